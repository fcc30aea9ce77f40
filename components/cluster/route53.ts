/**
 * The Route53 rights of the two controllers that write DNS, each limited to the one hosted zone of the stack
 * (JSON text, like iam.ts, so that the plan and the tests read what IAM gets). Actions and condition keys
 * from the Service Authorization Reference for Route53 and the controllers' own AWS guides (cert-manager
 * "Route53" DNS-01 docs, external-dns "AWS" tutorial), read 2026-12-01.
 */

/** `arn:aws:route53:::hostedzone/<id>`: Route53 is global, its ARNs carry no region or account. */
const hostedZoneArn = (zoneId: string) => `arn:aws:route53:::hostedzone/${zoneId}`;

/**
 * cert-manager's DNS-01 solver: a TXT record named `_acme-challenge.<name>` in the zone, and nothing else
 * (`route53:ChangeResourceRecordSetsRecordTypes` and `...NormalizedRecordNames` hold it to that), plus
 * reading the change's status. The zone id is given in the issuer, so no zone listing.
 */
export function certManagerDns01Policy(zoneId: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ReadChangeStatus", Effect: "Allow", Action: ["route53:GetChange"], Resource: "arn:aws:route53:::change/*" },
            {
                Sid: "AcmeChallengeRecordsOnly",
                Effect: "Allow",
                Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                Resource: hostedZoneArn(zoneId),
                Condition: {
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
                    "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"] },
                },
            },
        ],
    });
}

/**
 * external-dns: change and read the records of the one zone (the alias A/AAAA records of the hosts and the
 * TXT records of its registry). Listing zones cannot be narrowed to a zone (the action has no resource type),
 * so it stays on `*`; `--zone-id-filter` keeps external-dns on this zone.
 */
export function externalDnsPolicy(zoneId: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ChangeOwnZoneRecords",
                Effect: "Allow",
                Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
                Resource: hostedZoneArn(zoneId),
                Condition: { "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA", "TXT"] } },
            },
            { Sid: "FindZones", Effect: "Allow", Action: ["route53:ListHostedZones"], Resource: "*" },
        ],
    });
}
