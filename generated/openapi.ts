export interface paths {
    "/v3/{project_id}/backups": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The project's id (32 lowercase hexadecimal characters), the project the token is scoped to.
                 * @example 0605767d1e6f4c4a9c8ff3a0a6f27a21
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        /**
         * List backups
         * @description Lists the project's backups, one page at a time, with the total that matches the
         *     filters in `count`.
         *
         *     Pages: `limit` (1 to 1000, default 1000) backups, starting after the backup named
         *     by `marker` (the id of the last backup of the previous page) or, without a marker,
         *     after skipping `offset` backups. Paging with `marker` is stable: the order is total
         *     (ties are broken by `id`), and a backup deleted between two page requests neither
         *     shifts later pages nor breaks the marker, even when the marker itself was deleted.
         *     An unknown `marker` is 400 `CSBS.9001`. The answer repeats the `offset` and `limit`
         *     it applied.
         *
         *     Every filter of CBR's ListBackups is taken; filters on what this service does not
         *     model (backups shared between projects, dedicated clouds, vault capacity) are
         *     described with each parameter.
         *
         *     Checks, in order: the request is well-formed (400 `CSBS.9001`, also for unknown
         *     query parameters), the caller is authenticated (401 `APIGW.0301`), the caller is scoped to
         *     `project_id` and has a role that may read (`reader`, `member` or `admin`;
         *     otherwise 403 `APIGW.0302`).
         */
        get: operations["listBackups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v3/{project_id}/backups/{backup_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The project's id (32 lowercase hexadecimal characters), the project the token is scoped to.
                 * @example 0605767d1e6f4c4a9c8ff3a0a6f27a21
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description The id of the backup (a UUID in lowercase).
                 * @example 6df2b54c-dd62-4059-a07c-1b8f24f2725d
                 */
                backup_id: components["parameters"]["BackupId"];
            };
            cookie?: never;
        };
        /**
         * Show a backup
         * @description Shows one backup.
         *
         *     Checks, in order: the request is well-formed (400 `CSBS.9001`), the token is valid
         *     (401 `APIGW.0301`), the token is scoped to `project_id` and has a role that may read
         *     (`reader`, `member` or `admin`; otherwise 403 `APIGW.0302`), a backup with this id
         *     exists in this project (otherwise 404 `CSBS.3001`; a backup of another project is
         *     reported exactly like one that does not exist).
         */
        get: operations["showBackup"];
        put?: never;
        post?: never;
        /**
         * Delete a backup
         * @description Deletes one backup. There is no request body and no response body.
         *
         *     The request passes these checks in this order; the first that fails decides the
         *     answer:
         *
         *     1. The request is well-formed (path parameters match their patterns, no query
         *        parameters, no body); otherwise 400 `CSBS.9001`.
         *     2. `X-Auth-Token` is present and is a valid, unexpired token, or the request is signed
         *        with a valid access key; otherwise 401 `APIGW.0301`.
         *     3. The token is scoped to `project_id` and has a role that may delete (`member` or
         *        `admin`; `reader` may only read); otherwise 403 `APIGW.0302`.
         *     4. A backup with this id exists in this project; otherwise 400 `CSBS.3001`. A
         *        backup of another project is reported exactly like one that does not exist.
         *     5. The backup is not busy (`protecting`, `waiting_protect`, `restoring`,
         *        `waiting_restore`, `deleting` or `waiting_delete`); otherwise 400 `CSBS.2003`.
         *     6. The backup is not registered as an image (its `extend_info.os_images_data` is
         *        empty); otherwise 400 `6201`.
         *     7. The backup (status `available` or `error`) is deleted: 204.
         *
         *     Checks 4 to 7 and the deletion are one atomic step: of several concurrent deletes
         *     of one backup exactly one gets 204 and the others get 400 `CSBS.3001`.
         */
        delete: operations["deleteBackup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description A project id, 32 lowercase hexadecimal characters.
         * @example 0605767d1e6f4c4a9c8ff3a0a6f27a21
         */
        ProjectIdentifier: string;
        /**
         * @description An id of a backup, vault or checkpoint, a UUID in lowercase.
         * @example 6df2b54c-dd62-4059-a07c-1b8f24f2725d
         */
        BackupIdentifier: string;
        /** @description An id or name a listing is filtered on, as stored. */
        FilterText: string;
        /**
         * Format: date-time
         * @description A UTC time to the second, as `2026-05-10T07:59:12Z`.
         * @example 2026-05-10T07:59:12Z
         */
        QueryTime: string;
        /**
         * @description A UTC time, as `2019-05-10T07:59:12.084695` (no zone; microseconds optional).
         * @example 2019-05-10T07:59:12.084695
         */
        Timestamp: string;
        /**
         * @description The backup's state. `available` and `error` backups may be deleted; the others are
         *     busy (backing up, restoring or being deleted).
         * @example available
         * @enum {string}
         */
        BackupStatus: "available" | "protecting" | "deleting" | "restoring" | "error" | "waiting_protect" | "waiting_delete" | "waiting_restore";
        /**
         * @description The kind of resource backed up.
         * @example OS::Nova::Server
         * @enum {string}
         */
        ResourceType: "OS::Nova::Server" | "OS::Cinder::Volume" | "OS::Sfs::Turbo" | "OS::Workspace::DesktopV2" | "OS::Ironic::BareMetalServer" | "OS::Native::Server";
        /**
         * @description `backup` for a backup made here, `replication` for a copy replicated from another region.
         * @example backup
         * @enum {string}
         */
        ImageType: "backup" | "replication";
        /** @description An image the backup is registered as. */
        ImageData: {
            /**
             * @description The image's id.
             * @example 9a4f2d3c-1b2a-4e5f-8a7b-6c5d4e3f2a1b
             */
            image_id: string;
        };
        /** @description More about the backup. */
        BackupExtendInfo: {
            /** @description Whether a policy made the backup. */
            auto_trigger?: boolean;
            /** @description Whether the backup is of a system disk. */
            bootable?: boolean;
            /** @description Whether the backup is incremental. */
            incremental?: boolean;
            /** @description The snapshot the backup was made from. */
            snapshot_id?: string;
            /** @description Whether the backup may be restored with lazy loading. */
            support_lld?: boolean;
            /**
             * @description How the backup may be restored.
             * @enum {string}
             */
            supported_restore_mode?: "na" | "snapshot" | "backup";
            /** @description The images the backup is registered as. A backup with any may not be deleted (`6201`). */
            os_images_data?: components["schemas"]["ImageData"][];
            /** @description Whether the backup holds a system disk. */
            contain_system_disk?: boolean;
            /** @description Whether the backup is encrypted. */
            encrypted?: boolean;
            /** @description Whether the backup is of a system disk. */
            system_disk?: boolean;
            /** @description Whether the backup is kept in several availability zones. */
            is_multi_az?: boolean;
        };
        /** @description One replication of the backup to another region, or from one. */
        ReplicationRecord: {
            /** @description The replication's id. */
            id: string;
            created_at?: components["schemas"]["Timestamp"];
            /**
             * @description How the replication went.
             * @enum {string}
             */
            status?: "replicating" | "success" | "fail" | "skip" | "waiting_replicate";
            source_backup_id?: components["schemas"]["NullableText"];
            source_checkpoint_id?: components["schemas"]["NullableText"];
            source_project_id?: components["schemas"]["NullableText"];
            source_region?: components["schemas"]["NullableText"];
            destination_backup_id?: components["schemas"]["NullableText"];
            destination_checkpoint_id?: components["schemas"]["NullableText"];
            destination_project_id?: components["schemas"]["NullableText"];
            destination_region?: components["schemas"]["NullableText"];
            destination_vault_id?: components["schemas"]["NullableText"];
            vault_id?: components["schemas"]["NullableText"];
            /** @description More about the replication. */
            extra_info?: {
                /** @description How far it got, in percent. */
                progress?: number;
                fail_code?: components["schemas"]["NullableText"];
                /** @description Why it failed. */
                fail_reason?: string | null;
                /** @description Whether a policy started it. */
                auto_trigger?: boolean;
                destination_vault_id?: components["schemas"]["NullableText"];
            } | null;
        };
        /** @description An id, name or code; null when there is none. */
        NullableText: string | null;
        /** @description A backup. */
        BackupDetail: {
            id: components["schemas"]["BackupIdentifier"];
            /**
             * @description The backup's name.
             * @example manualbk_1234
             */
            name: string;
            /** @description The backup's description. */
            description?: string | null;
            project_id: components["schemas"]["ProjectIdentifier"];
            vault_id: components["schemas"]["BackupIdentifier"];
            checkpoint_id: components["schemas"]["BackupIdentifier"];
            /** @description The backup this one was made from (incremental backups, replicas). */
            parent_id?: string | null;
            /** @description The id of the resource backed up. */
            resource_id: string;
            /** @description The name of the resource backed up. */
            resource_name: string;
            resource_type: components["schemas"]["ResourceType"];
            /** @description The size of the resource backed up, in GB. */
            resource_size: number;
            /** @description The availability zone of the resource backed up. */
            resource_az?: string | null;
            image_type: components["schemas"]["ImageType"];
            status: components["schemas"]["BackupStatus"];
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
            /**
             * @description When the backup expires; null when it is kept until deleted. Same format as `created_at`.
             * @example 2019-05-10T07:59:12.084695
             */
            expired_at?: string | null;
            /**
             * @description When the backup was made; null while it is being made. Same format as `created_at`.
             * @example 2019-05-10T07:59:12.084695
             */
            protected_at?: string | null;
            /** @description The enterprise project of the backup (`0` is the default one). */
            enterprise_project_id?: string | null;
            /** @description The id of the backup provider. */
            provider_id?: string | null;
            extend_info: components["schemas"]["BackupExtendInfo"];
            /** @description Whether the backup is incremental. */
            incremental?: boolean;
            /** @description The version of the backup's format. */
            version?: number;
            /** @description The backup's replications to or from other regions. */
            replication_records?: components["schemas"]["ReplicationRecord"][];
            /** @description The backups this one is made of (a backup of a server holds one per disk). */
            children?: components["schemas"]["BackupDetail"][];
        };
        /** @description The body of showBackup. */
        BackupResponse: {
            backup: components["schemas"]["BackupDetail"];
        };
        /** @description The body of listBackups. */
        BackupList: {
            /** @description This page of backups, in the requested order. */
            backups: components["schemas"]["BackupDetail"][];
            /** @description How many backups match the filters, on all pages. */
            count: number;
            /** @description The `offset` applied (0 when a `marker` was given). */
            offset: number;
            /** @description The `limit` applied. */
            limit: number;
        };
        /**
         * @description A request id (1 to 128 letters, digits, `.`, `_` or `-`).
         * @example 7f1c2a3e-58b5-4a0e-9d5b-6b1f2e3d4c5a
         */
        RequestId: string;
        /**
         * @description Every error code the service returns.
         * @example CSBS.3001
         * @enum {string}
         */
        ErrorCode: "6201" | "CSBS.2003" | "CSBS.3001" | "CSBS.9001" | "APIGW.0301" | "APIGW.0302" | "APIGW.0101" | "CSBS.9998";
        /** @description The body of every error response. */
        Error: {
            error_code: components["schemas"]["ErrorCode"];
            /**
             * @description What went wrong, in plain words.
             * @example Backup 6df2b54c-dd62-4059-a07c-1b8f24f2725d does not exist
             */
            error_msg: string;
            request_id: components["schemas"]["RequestId"];
        };
        /** @description A 400 error of deleteBackup. */
        DeleteBadRequestError: components["schemas"]["Error"] & {
            /** @enum {string} */
            error_code: "6201" | "CSBS.2003" | "CSBS.3001" | "CSBS.9001";
        };
        /** @description A 400 error of the read operations. */
        InvalidParameterError: components["schemas"]["Error"] & {
            /** @enum {string} */
            error_code: "CSBS.9001";
        };
        /** @description A 404 error of showBackup. */
        ShowNotFoundError: components["schemas"]["Error"] & {
            /** @enum {string} */
            error_code: "CSBS.3001";
        };
        /** @description A 401 error. */
        UnauthorizedError: components["schemas"]["Error"] & {
            /** @enum {string} */
            error_code: "APIGW.0301";
        };
        /** @description A 403 error. */
        ForbiddenError: components["schemas"]["Error"] & {
            /** @enum {string} */
            error_code: "APIGW.0302";
        };
        /** @description A 500 error. */
        InternalError: components["schemas"]["Error"] & {
            /** @enum {string} */
            error_code: "CSBS.9998";
        };
    };
    responses: {
        /**
         * @description The request is malformed (`CSBS.9001`), or the backup cannot be deleted:
         *     it does not exist in this project (`CSBS.3001`), it is busy (`CSBS.2003`), or it is
         *     registered as an image (`6201`). See the operation's description for the order.
         */
        DeleteBadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["DeleteBadRequestError"];
            };
        };
        /** @description `CSBS.9001`: the request is malformed (a path or query parameter fails validation, an unknown query parameter, an unknown `marker`, a request body). */
        InvalidParameter: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InvalidParameterError"];
            };
        };
        /** @description `CSBS.3001`: no backup with this id in this project. */
        BackupNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ShowNotFoundError"];
            };
        };
        /** @description `APIGW.0301`: no `X-Auth-Token` and no signature, or the token is malformed, unknown or expired, or the signature fails a check (the message says which). */
        Unauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["UnauthorizedError"];
            };
        };
        /** @description `APIGW.0302`: the token is scoped to another project than `project_id`, or has no role that may delete (`member` or `admin`). */
        Forbidden: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ForbiddenError"];
            };
        };
        /** @description `CSBS.9998`: the service failed (for example, its store is unreachable). The body has no internal details; retry later. */
        InternalError: {
            headers: {
                "X-Request-Id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InternalError"];
            };
        };
    };
    parameters: {
        /**
         * @description The project's id (32 lowercase hexadecimal characters), the project the token is scoped to.
         * @example 0605767d1e6f4c4a9c8ff3a0a6f27a21
         */
        ProjectId: components["schemas"]["ProjectIdentifier"];
        /**
         * @description The id of the backup (a UUID in lowercase).
         * @example 6df2b54c-dd62-4059-a07c-1b8f24f2725d
         */
        BackupId: components["schemas"]["BackupIdentifier"];
    };
    requestBodies: never;
    headers: {
        /**
         * @description The id of this request, also in error bodies and in the service's logs.
         * @example 7f1c2a3e-58b5-4a0e-9d5b-6b1f2e3d4c5a
         */
        XRequestId: components["schemas"]["RequestId"];
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listBackups: {
        parameters: {
            query?: {
                /** @description The most backups in one page. */
                limit?: number;
                /**
                 * @description How many matching backups to skip (ignored when `marker` is given), at most
                 *     10000; a larger offset is 400 `CSBS.9001`. Further into the list, page with
                 *     `marker`, which costs the same on every page.
                 */
                offset?: number;
                /** @description The id of the last backup of the previous page; the page starts after it. */
                marker?: components["schemas"]["BackupIdentifier"];
                /**
                 * @description The order: one or more `key[:direction]`, comma-separated (direction `asc` or
                 *     `desc`, default `desc`), the first key first; keys: `created_at`, `updated_at`,
                 *     `name`, `status`, `protected_at`, `id`, `expired_at`, `resource_size`. Default
                 *     `created_at:desc`. Remaining ties are broken by `id` in the last key's direction.
                 *     A backup whose `protected_at` or `expired_at` is null sorts before every time.
                 */
                sort?: string;
                /** @description Only backups in one of these statuses (repeat the parameter for several). */
                status?: components["schemas"]["BackupStatus"][];
                /** @description Only backups whose name contains this text (case-sensitive). */
                name?: string;
                /** @description Only backups of this resource. */
                resource_id?: components["schemas"]["FilterText"];
                /** @description Only backups of a resource with exactly this name. */
                resource_name?: string;
                /** @description Only backups of this kind of resource. */
                resource_type?: components["schemas"]["ResourceType"];
                /** @description Only backups of resources in this availability zone. */
                resource_az?: components["schemas"]["FilterText"];
                /** @description Only backups kept in this vault. */
                vault_id?: components["schemas"]["BackupIdentifier"];
                /** @description Only backups of this restore point. */
                checkpoint_id?: components["schemas"]["BackupIdentifier"];
                /** @description Only backups made from this backup. */
                parent_id?: components["schemas"]["FilterText"];
                /** @description Only backups of this enterprise project (`0` is the default one). */
                enterprise_project_id?: components["schemas"]["FilterText"];
                /** @description Only backups of this type. `replication` lists replicas whatever `show_replication` says. */
                image_type?: components["schemas"]["ImageType"];
                /**
                 * @description Whether replicas (`image_type` `replication`) are listed too. By default they are
                 *     not, as in CBR, unless `image_type=replication` asks for them.
                 */
                show_replication?: boolean;
                /** @description Only incremental (`true`) or only full (`false`) backups. */
                incremental?: boolean;
                /** @description Only backups created at this second or later (UTC, as `2026-05-10T07:59:12Z`). */
                start_time?: components["schemas"]["QueryTime"];
                /** @description Only backups created at this second or earlier (UTC, as `2026-05-10T07:59:12Z`). */
                end_time?: components["schemas"]["QueryTime"];
                /**
                 * @description Whose backups: `private` (the project's own, the default), `shared` (shared with
                 *     the project by others) or `all_granted` (both). This service keeps no backups
                 *     shared between projects, so `shared` lists none and `all_granted` lists the
                 *     project's own.
                 */
                own_type?: "all_granted" | "private" | "shared";
                /**
                 * @description Only backups shared with the project whose sharing is in this state. This service
                 *     keeps no shared backups, so any value lists none.
                 */
                member_status?: "pending" | "accepted" | "rejected";
                /**
                 * @description Only backups of a dedicated cloud (`true`). This service models no dedicated
                 *     cloud: `true` lists none, `false` is no filter.
                 */
                dec?: boolean;
                /**
                 * @description In CBR, a filter on the used share of the vault's capacity, 1 to 100. This service
                 *     models no vault capacity: the value is checked and has no effect.
                 */
                used_percent?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The project's id (32 lowercase hexadecimal characters), the project the token is scoped to.
                 * @example 0605767d1e6f4c4a9c8ff3a0a6f27a21
                 */
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of backups. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupList"];
                };
            };
            400: components["responses"]["InvalidParameter"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
        };
    };
    showBackup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The project's id (32 lowercase hexadecimal characters), the project the token is scoped to.
                 * @example 0605767d1e6f4c4a9c8ff3a0a6f27a21
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description The id of the backup (a UUID in lowercase).
                 * @example 6df2b54c-dd62-4059-a07c-1b8f24f2725d
                 */
                backup_id: components["parameters"]["BackupId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The backup. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackupResponse"];
                };
            };
            400: components["responses"]["InvalidParameter"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["BackupNotFound"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteBackup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The project's id (32 lowercase hexadecimal characters), the project the token is scoped to.
                 * @example 0605767d1e6f4c4a9c8ff3a0a6f27a21
                 */
                project_id: components["parameters"]["ProjectId"];
                /**
                 * @description The id of the backup (a UUID in lowercase).
                 * @example 6df2b54c-dd62-4059-a07c-1b8f24f2725d
                 */
                backup_id: components["parameters"]["BackupId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The backup was deleted. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["DeleteBadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
        };
    };
}
