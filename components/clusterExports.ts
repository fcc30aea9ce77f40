/** Kept for plan/plan.ts, which another branch owns: the cluster's exports are declared in model/clusterExports.ts. */
export type { ClusterExports } from "../model/clusterExports";
