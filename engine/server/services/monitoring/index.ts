// The monitoring service: event tables, server event queries, client event table delivery.
export { startMonitoring, type MonitoringDeps, type StartedMonitoring } from "./start";
export { SERVER_MONITORING_LEASE, startServerEvents, type ServerTableDeps } from "./server-table";
export { startBacktest, type BacktestDeps } from "./backtest";
