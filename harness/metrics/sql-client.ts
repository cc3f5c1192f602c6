/**
 * The slice of a PostgreSQL client the metrics helpers need. pg's Client and PoolClient satisfy it
 * structurally; tests can pass a fake. Statements that must share a session (BEGIN ... ROLLBACK)
 * need a single connection, so pass a Client or a checked-out PoolClient, not a Pool.
 */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}
