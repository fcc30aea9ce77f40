/** What an environment's PostgreSQL instance is (the tier presets fill it in, stack files override it). */
export interface DatabaseSettings {
    instanceClass: string;
    allocatedStorageGb: number;
    multiAz: boolean;
    backupRetentionDays: number;
}

export interface NamedDatabaseSettings extends DatabaseSettings {
    /** Unset for the environment's single database (`fintrax-<environment>`, Secret `database`). */
    name?: string;
}
