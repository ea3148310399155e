// This process's metrics as Velociraptor's profile(metrics=TRUE) rows ({name, help, value}):
// what Node reports of memory, CPU, the event loop and open handles, in place of the Go
// runtime's Prometheus gauges. Read in the thread that calls it.
import { getHeapStatistics } from "node:v8";
import { performance } from "node:perf_hooks";
import type { MetricRow } from "./diagnostics";

export function processMetrics(extra: MetricRow[] = []): MetricRow[] {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  const heap = getHeapStatistics();
  const elu = performance.eventLoopUtilization();
  const handles = process.getActiveResourcesInfo();
  return [
    { name: "process_resident_memory_bytes", help: "Resident memory size in bytes.", value: m.rss },
    { name: "process_heap_total_bytes", help: "V8 heap allocated, in bytes.", value: m.heapTotal },
    { name: "process_heap_used_bytes", help: "V8 heap in use, in bytes.", value: m.heapUsed },
    { name: "process_external_memory_bytes", help: "Memory of C++ objects bound to JavaScript objects, in bytes.", value: m.external },
    { name: "process_array_buffers_bytes", help: "Memory of ArrayBuffers and SharedArrayBuffers, in bytes.", value: m.arrayBuffers },
    { name: "process_heap_size_limit_bytes", help: "The V8 heap's size limit, in bytes.", value: heap.heap_size_limit },
    { name: "process_cpu_user_seconds_total", help: "User CPU time spent, in seconds.", value: Math.round(cpu.user / 1e6) },
    { name: "process_cpu_system_seconds_total", help: "System CPU time spent, in seconds.", value: Math.round(cpu.system / 1e6) },
    { name: "process_uptime_seconds", help: "Seconds since the process started.", value: Math.round(process.uptime()) },
    { name: "nodejs_eventloop_utilization_ratio_x1000", help: "Event loop utilization since start, times 1000.", value: Math.round(elu.utilization * 1000) },
    { name: "nodejs_active_resources", help: "Handles and requests keeping the event loop alive.", value: handles.length },
    ...extra,
  ];
}
