/**
 * The metrics every service exposes on its `http` port at `/metrics` (see docs/data-and-observability.md):
 * a request counter labelled with the HTTP status, and a request duration histogram whose buckets include
 * the alert thresholds below (the client libraries' default buckets do).
 */
export const METRICS_CONTRACT = {
    port: "http",
    path: "/metrics",
    requests: "http_requests_total",
    statusLabel: "status",
    duration: "http_request_duration_seconds",
} as const;

/** The database's free storage as the CloudWatch exporter (YACE) publishes RDS's FreeStorageSpace, in bytes. */
export const RDS_FREE_STORAGE_METRIC = "aws_rds_free_storage_space_average";
export const RDS_INSTANCE_LABEL = "dimension_DBInstanceIdentifier";

/** The alerts' thresholds; the dashboard colours the quota panel from the same one. */
export const THRESHOLDS = {
    errorRatio: 0.05,
    /** Requests per second below which a service's error ratio is noise rather than news. */
    minimumRequestRate: 0.1,
    latencyP95Seconds: 0.5,
    latencyP99Seconds: 1,
    quotaRatio: 0.9,
    crashRestarts: 2,
    freeStorageRatio: 0.1,
} as const;
