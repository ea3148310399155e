"use client";
// The Monitoring area: two tabs, Server events and Client events, the chosen one kept in the
// URL (?tab=client) so a link or a reload returns to it.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { ClientEvents } from "./client-events";
import { ServerEvents } from "./server-events";

export function MonitoringView({ canEditServer, canEditClient }: { canEditServer: boolean; canEditClient: boolean }) {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const tab = params.get("tab") === "client" ? "client" : "server";
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Event tables">
        <button type="button" role="tab" aria-selected={tab === "server"} onClick={() => router.replace(path)} data-testid="tab-server-events">
          Server events
        </button>
        <button type="button" role="tab" aria-selected={tab === "client"} onClick={() => router.replace(`${path}?tab=client`)} data-testid="tab-client-events">
          Client events
        </button>
      </div>
      {tab === "server" ? <ServerEvents canEdit={canEditServer} /> : <ClientEvents canEdit={canEditClient} />}
    </>
  );
}
