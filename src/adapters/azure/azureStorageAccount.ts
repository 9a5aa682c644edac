/**
 * The production backend's storage account: Azure Tables for records, Queues and Blobs where later
 * features need them. Reached with a connection string (Azurite, or an account key) or with an account
 * URL and the App Service's managed identity (no secret at all).
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';

/** Per-call deadline for storage requests: the SDK retries inside it. */
export const STORAGE_CALL_TIMEOUT_MS = 15_000;

/** A signal that aborts a storage call that has not finished in time. */
export function storageDeadline(ms = STORAGE_CALL_TIMEOUT_MS): AbortSignal {
  return AbortSignal.timeout(ms);
}

/** Where the account is and how to authenticate, parsed from AZURE_STORAGE_CONNECTION_STRING. */
export type StorageConnection =
  | { kind: 'connectionString'; connectionString: string; tableEndpoint: string; insecure: boolean }
  | { kind: 'managedIdentity'; accountName: string; credential: TokenCredential };

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses the setting: an account URL (managed identity) or a connection string. Throws on nonsense. */
export function parseStorageConnection(value: string): StorageConnection {
  if (/^https:\/\//i.test(value)) {
    const host = new URL(value).hostname;
    const accountName = host.split('.')[0];
    if (!accountName || !/\.(blob|table|queue)\.core\.windows\.net$/i.test(host)) {
      throw new Error('the account URL must look like https://<account>.blob.core.windows.net');
    }
    return { kind: 'managedIdentity', accountName, credential: new DefaultAzureCredential() };
  }
  const parts = new Map(
    value
      .split(';')
      .filter(Boolean)
      .map((p) => {
        const at = p.indexOf('=');
        return [p.slice(0, at).trim().toLowerCase(), p.slice(at + 1).trim()] as const;
      }),
  );
  const accountName = parts.get('accountname');
  if (!accountName || !parts.get('accountkey')) {
    throw new Error(
      'the connection string needs AccountName and AccountKey (or use an https:// account URL)',
    );
  }
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
  const tableEndpoint = parts.get('tableendpoint') ?? `${protocol}://${accountName}.table.${suffix}`;
  const url = new URL(tableEndpoint);
  // Plain HTTP carries the account key's signatures in the clear: only for an emulator on this machine.
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new Error('plain http:// storage endpoints are only allowed on a loopback address (Azurite)');
  }
  return {
    kind: 'connectionString',
    connectionString: value,
    tableEndpoint,
    insecure: url.protocol === 'http:',
  };
}

/**
 * Clients for the bot's tables (`<prefix><name>`), queues and blob containers (`<prefix lower case>-<name>`,
 * as those names allow only lower case).
 */
export class AzureStorageAccount {
  constructor(
    private readonly connection: StorageConnection,
    private readonly prefix: string,
  ) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(prefix))
      throw new Error('the table prefix must be letters and digits');
  }

  private get options(): TableServiceClientOptions {
    return {
      allowInsecureConnection: this.connection.kind === 'connectionString' && this.connection.insecure,
      retryOptions: { maxRetries: 4, retryDelayInMs: 200, maxRetryDelayInMs: 4000 },
    };
  }

  /** The client for table `name` (letters only), created on first use by `ensureTable`. */
  table(name: string): TableClient {
    const tableName = `${this.prefix}${name}`;
    if (this.connection.kind === 'connectionString') {
      return TableClient.fromConnectionString(this.connection.connectionString, tableName, this.options);
    }
    return new TableClient(
      `https://${this.connection.accountName}.table.core.windows.net`,
      tableName,
      this.connection.credential,
      this.options,
    );
  }

  /** Retries for the blob and queue SDKs (their option types differ only in fields not set here). */
  private get pipeline() {
    return { retryOptions: { maxTries: 5, retryDelayInMs: 200, maxRetryDelayInMs: 4000 } };
  }

  /** The client for queue `<prefix>-<name>` (lower-case letters and digits), created by the caller. */
  queue(name: string): QueueClient {
    const queueName = `${this.prefix.toLowerCase()}-${name}`;
    if (this.connection.kind === 'connectionString') {
      return new QueueClient(this.connection.connectionString, queueName, this.pipeline);
    }
    return new QueueClient(
      `https://${this.connection.accountName}.queue.core.windows.net/${queueName}`,
      this.connection.credential,
      this.pipeline,
    );
  }

  /** The client for blob container `<prefix>-<name>`, created by the caller. */
  container(name: string): ContainerClient {
    const containerName = `${this.prefix.toLowerCase()}-${name}`;
    if (this.connection.kind === 'connectionString') {
      return new ContainerClient(this.connection.connectionString, containerName, this.pipeline);
    }
    return new ContainerClient(
      `https://${this.connection.accountName}.blob.core.windows.net/${containerName}`,
      this.connection.credential,
      this.pipeline,
    );
  }

  /** Creates table `name` if it does not exist yet (idempotent, safe from several instances at once). */
  async ensureTable(name: string): Promise<TableClient> {
    const client = this.table(name);
    await client.createTable({ abortSignal: storageDeadline() });
    return client;
  }

  /** Lists the tables with this prefix (for tests and for the operator). */
  async tables(): Promise<string[]> {
    const service =
      this.connection.kind === 'connectionString'
        ? TableServiceClient.fromConnectionString(this.connection.connectionString, this.options)
        : new TableServiceClient(
            `https://${this.connection.accountName}.table.core.windows.net`,
            this.connection.credential,
            this.options,
          );
    const names: string[] = [];
    for await (const table of service.listTables({
      queryOptions: { filter: `TableName ge '${this.prefix}'` },
    })) {
      if (table.name?.startsWith(this.prefix)) names.push(table.name);
    }
    return names;
  }
}

/** True when a storage error is this HTTP status (the SDKs throw RestError with `statusCode`). */
export function hasStatus(error: unknown, status: number): boolean {
  return (error as { statusCode?: unknown } | null)?.statusCode === status;
}
