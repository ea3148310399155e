// The ROOT/StandardCimv2 classes a pooled Windows endpoint answers in wmi(): MSFT_NetNeighbor
// (the ARP and neighbour cache of its one Ethernet interface, index 1 as interfaces() gives it:
// its gateway, the subnet broadcast, the usual multicast groups) and MSFT_DNSClientCache (the
// domain controllers' and the corporate proxy's A records). Types as Microsoft documents them:
// AddressFamily uint16 (2 IPv4, 23 IPv6), Store and State uint8, TimeToLive uint32.
import type { WmiHost, WmiObject } from "./cimv2";

const ALIAS = "Ethernet";
const INDEX = 1;

function netNeighbor({ p }: WmiHost): WmiObject[] {
  const [a, b] = p.ip.split(".");
  // The gateway's MAC is the endpoint's with the last byte replaced (a per-subnet router).
  const gatewayMac = `${p.mac.slice(0, 15)}01`.toUpperCase().replace(/:/g, "-");
  const row = (family: number, ip: string, mac: string, state: number): WmiObject => [
    ["AddressFamily", family],
    ["InterfaceAlias", ALIAS],
    ["InterfaceIndex", INDEX],
    ["IPAddress", ip],
    ["LinkLayerAddress", mac],
    ["State", state],
    ["Store", 1],
  ];
  return [
    row(2, `${a}.${b}.0.1`, gatewayMac, 5),
    row(2, `${a}.${b}.255.255`, "FF-FF-FF-FF-FF-FF", 6),
    row(2, "224.0.0.22", "01-00-5E-00-00-16", 6),
    row(2, "239.255.255.250", "01-00-5E-7F-FF-FA", 6),
    row(23, "ff02::1", "33-33-00-00-00-01", 6),
    row(23, "ff02::1:2", "33-33-00-01-00-02", 6),
  ];
}

function dnsClientCache(): WmiObject[] {
  const row = (entry: string, data: string, ttl: number): WmiObject => [
    ["Data", data],
    ["DataLength", 4],
    ["Entry", entry],
    ["Name", entry],
    ["Section", 1],
    ["Status", 0],
    ["TimeToLive", ttl],
    ["Type", 1],
  ];
  return [row("srv-dc01.corp.example", "10.0.0.10", 1200), row("srv-dc02.corp.example", "10.0.0.11", 1200), row("proxy.corp.example", "10.0.0.20", 300)];
}

export const STANDARD_CIMV2: Record<string, (h: WmiHost) => WmiObject[]> = {
  MSFT_NetNeighbor: netNeighbor,
  MSFT_DNSClientCache: dnsClientCache,
};
