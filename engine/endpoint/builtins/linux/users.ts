// Local users from /etc/passwd.
import { readFile } from "node:fs/promises";
import type { UserInfo } from "../system";

export function parsePasswd(text: string): UserInfo[] {
  const out: UserInfo[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const f = line.split(":");
    if (f.length < 7) continue;
    out.push({ Name: f[0]!, Uid: Number(f[2]), Gid: Number(f[3]), Description: f[4]!, Homedir: f[5]!, Shell: f[6]! });
  }
  return out;
}

export async function listUsers(): Promise<UserInfo[]> {
  return parsePasswd(await readFile("/etc/passwd", "utf8").catch(() => ""));
}

export async function userNames(): Promise<Map<number, string>> {
  return new Map((await listUsers()).map((u) => [u.Uid, u.Name]));
}
