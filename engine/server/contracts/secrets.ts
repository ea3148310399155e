// The managed secrets' contract: named, typed sets of values (a webhook URL, an HTTP API's URL
// and headers) that builtins use without the query ever holding them, as Velociraptor's
// secrets service does. Values go in through add()/modify() and come out only through
// resolve(), to a builtin acting for a principal allowed to use the secret; no listing, log
// line, audit entry, result row or error ever carries one.
import type { Principal } from "./common";

export type SecretFieldKind = "string" | "secret" | "bool" | "dict";

export interface SecretFieldSpec {
  name: string;
  /** `secret` strings are entered in password inputs and are as private as any other value. */
  kind: SecretFieldKind;
  required?: boolean;
  doc: string;
}

export interface SecretTypeSpec {
  description: string;
  fields: readonly SecretFieldSpec[];
}

/** The types a secret may have and their fields (Velociraptor's names where it has the type). */
export const SECRET_TYPES = {
  "HTTP Secrets": {
    description: "An HTTP endpoint for http_client(secret=...) or url='secret://name': the URL and what to send with it.",
    fields: [
      { name: "url", kind: "secret", required: true, doc: "The URL requested (never shown; rows and logs show it redacted)." },
      { name: "method", kind: "string", doc: "HTTP method when the call does not override it (default GET)." },
      { name: "user_agent", kind: "string", doc: "User-Agent header." },
      { name: "extra_headers", kind: "dict", doc: "Headers added to every request (e.g. Authorization)." },
      { name: "extra_params", kind: "dict", doc: "Parameters added to every request (query string or form body)." },
      { name: "cookies", kind: "dict", doc: "Cookies sent with every request." },
      { name: "skip_verify", kind: "bool", doc: "Do not verify the server's TLS certificate." },
      { name: "root_ca", kind: "string", doc: "Extra trusted CA certificates (PEM)." },
    ],
  },
  Elastic: {
    description: "An Elasticsearch cluster for elastic_upload(secret=...): its nodes and credentials.",
    fields: [
      { name: "addresses", kind: "string", required: true, doc: "The nodes' URLs, separated by commas." },
      { name: "username", kind: "string", doc: "Username for HTTP Basic Authentication." },
      { name: "password", kind: "secret", doc: "Password for HTTP Basic Authentication." },
      { name: "api_key", kind: "secret", doc: "Base64-encoded API key (overrides username and password)." },
      { name: "cloud_id", kind: "string", doc: "An Elastic Cloud ID (used when addresses is empty)." },
      { name: "index", kind: "string", doc: "Index when the call names none." },
      { name: "type", kind: "string", doc: "Type when the call names none." },
      { name: "pipeline", kind: "string", doc: "Ingest pipeline when the call names none." },
      { name: "action", kind: "string", doc: "index or create when the call names neither." },
      { name: "skip_verify", kind: "bool", doc: "Do not verify the server's TLS certificate." },
      { name: "root_ca", kind: "string", doc: "Extra trusted CA certificates (PEM)." },
    ],
  },
  Splunk: {
    description: "A Splunk HTTP Event Collector for splunk_upload(secret=...): its URL and token.",
    fields: [
      { name: "url", kind: "string", required: true, doc: "The HTTP Event Collector URL." },
      { name: "token", kind: "secret", required: true, doc: "The HEC token." },
      { name: "index", kind: "string", doc: "Index when the call names none." },
      { name: "source", kind: "string", doc: "Source when the call names none." },
      { name: "hostname", kind: "string", doc: "Event host when the call names none." },
      { name: "hostname_field", kind: "string", doc: "Column giving the event host when the call names none." },
      { name: "skip_verify", kind: "bool", doc: "Do not verify the server's TLS certificate." },
      { name: "root_ca", kind: "string", doc: "Extra trusted CA certificates (PEM)." },
    ],
  },
  "AWS S3 Creds": {
    description: "An S3 (or S3-compatible) store for upload_s3(secret=...): its region, endpoint and credentials replace the call's own.",
    fields: [
      { name: "region", kind: "string", doc: "The bucket's region (default us-east-1)." },
      { name: "credentials_key", kind: "string", doc: "The access key id." },
      { name: "credentials_secret", kind: "secret", doc: "The secret access key (never shown)." },
      { name: "credentials_token", kind: "secret", doc: "A session token, for temporary credentials (never shown)." },
      { name: "endpoint", kind: "string", doc: "A custom endpoint (MinIO and other S3-compatible stores); AWS when empty." },
      { name: "serverside_encryption", kind: "string", doc: "Server-side encryption: AES256 or aws:kms." },
      { name: "kms_encryption_key", kind: "string", doc: "The KMS key id for aws:kms." },
      { name: "path_style", kind: "bool", doc: "Address the bucket in the path rather than the host name." },
    ],
  },
  "ADX Creds": {
    description: "An Azure Data Explorer cluster for adx_upload(secret=...): the service principal's credentials, and the cluster, database and table when the call names none.",
    fields: [
      { name: "cluster_url", kind: "string", doc: "The cluster URL (https://<cluster>.<region>.kusto.windows.net)." },
      { name: "database", kind: "string", doc: "The database when the call names none." },
      { name: "table", kind: "string", doc: "The table when the call names none." },
      { name: "client_id", kind: "string", required: true, doc: "The service principal's application (client) id." },
      { name: "client_secret", kind: "secret", required: true, doc: "The service principal's client secret (never shown)." },
      { name: "tenant_id", kind: "string", required: true, doc: "The Azure AD tenant id." },
    ],
  },
  Webhook: {
    description: "A webhook URL alert forwarders post to (Slack, Teams, Discord or any JSON endpoint).",
    fields: [
      { name: "url", kind: "secret", required: true, doc: "The webhook URL (never shown)." },
      { name: "extra_headers", kind: "dict", doc: "Headers added to every post (e.g. Authorization)." },
    ],
  },
  "SMTP Creds": {
    description: "An SMTP server and its login for mail(secret=...): the server, port and credentials replace the call's own.",
    fields: [
      { name: "server", kind: "string", required: true, doc: "The SMTP server's host name or IP address." },
      { name: "server_port", kind: "string", doc: "The port (default 587; 465 means TLS from the start)." },
      { name: "auth_username", kind: "string", doc: "The user name to log in with." },
      { name: "auth_password", kind: "secret", doc: "The password to log in with (never shown)." },
      { name: "from", kind: "string", doc: "The sender address when the call gives none." },
      { name: "skip_verify", kind: "bool", doc: "Do not verify the server's TLS certificate." },
      { name: "root_ca", kind: "string", doc: "Extra trusted CA certificates (PEM)." },
    ],
  },
} as const satisfies Record<string, SecretTypeSpec>;

export type SecretType = keyof typeof SECRET_TYPES;
export const SECRET_TYPE_NAMES = Object.keys(SECRET_TYPES) as SecretType[];

/** What anyone may see of a secret: never its values. */
export interface SecretSummary {
  name: string;
  type: string;
  /** Names of the fields that have a value. */
  fields: string[];
  /** Users other than administrators allowed to use it (Velociraptor's add_users). */
  users: string[];
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

/** A secret's values as resolve() hands them to a builtin. Never put in a row, log or error. */
export interface ResolvedSecret {
  name: string;
  type: string;
  values: Readonly<Record<string, unknown>>;
}

export interface SecretChange {
  /** When given, the secret's type must be this one (Velociraptor's secret_modify names it). */
  type?: string;
  addUsers?: string[];
  removeUsers?: string[];
  /** Replaces the values (checked against the type's fields). */
  values?: Record<string, unknown>;
}

/**
 * Managing (list, add, modify, remove) needs SERVER_ADMIN; each change is audited by name, type,
 * field names and users. resolve() is for builtins and forwarders acting for `actor`: allowed
 * for SERVER_ADMIN or a user the secret is shared with. Refusals are ServiceErrors naming the
 * secret and type only.
 */
export interface SecretsService {
  list(actor: Principal): Promise<SecretSummary[]>;
  add(actor: Principal, p: { name: string; type: string; values: Record<string, unknown> }): Promise<SecretSummary>;
  modify(actor: Principal, name: string, change: SecretChange): Promise<SecretSummary>;
  remove(actor: Principal, name: string, type?: string): Promise<void>;
  /** The values of secret `name`, which must be of `type`. */
  resolve(actor: Principal, name: string, type: string): Promise<ResolvedSecret>;
}
