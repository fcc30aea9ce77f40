/**
 * Kubernetes label selectors (`matchLabels` and `matchExpressions`), evaluated the way the API server does,
 * so that "is this Deployment covered by that PodDisruptionBudget" has the cluster's answer.
 */

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

function expressionMatches(expression: { key: string; operator: string; values?: string[] }, labels: Record<string, string>): boolean {
    const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
        case "In": return has && values.includes(labels[expression.key]);
        case "NotIn": return !has || !values.includes(labels[expression.key]);
        case "Exists": return has;
        case "DoesNotExist": return !has;
        default: return false; // the API server rejects any other operator
    }
}

/** True when `selector` selects an object with `labels`. An empty selector selects everything; a missing one, nothing. */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
    if (!selector) return false;
    return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value)
        && (selector.matchExpressions ?? []).every((expression) => expressionMatches(expression, labels));
}

/** True for a selector that selects every pod: `{}` or empty `matchLabels`/`matchExpressions`. */
export function selectsEverything(selector: LabelSelector | null | undefined): boolean {
    return !!selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
