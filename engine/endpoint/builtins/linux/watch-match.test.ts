import { describe, expect, it } from "vitest";
import { WatchMatcher } from "./watch-match";

describe("WatchMatcher", () => {
  it("selects the files a pattern matches, with *, {a,b} and ** at any depth", () => {
    const m = new WatchMatcher(["/etc/{passwd,shadow}", "/home/*/.ssh/authorized_keys", "/var/www/**/*.php"]);
    expect(["/etc/passwd", "/etc/shadow", "/home/bob/.ssh/authorized_keys", "/var/www/index.php", "/var/www/a/b/c.php"].filter((p) => m.isMatch(p))).toHaveLength(5);
    expect(["/etc/group", "/home/bob/.ssh/id_rsa", "/home/.ssh/authorized_keys", "/var/www/a/c.html"].filter((p) => m.isMatch(p))).toEqual([]);
  });

  it("watches every directory on the way to a match, so directories created later are seen", () => {
    const m = new WatchMatcher(["/home/*/.ssh/authorized_keys", "/var/www/**/*.php"]);
    for (const d of ["/", "/home", "/home/bob", "/home/bob/.ssh", "/var", "/var/www", "/var/www/a/b"]) expect(m.isWatchedDir(d), d).toBe(true);
    for (const d of ["/etc", "/home/bob/.ssh/sub", "/var/lib"]) expect(m.isWatchedDir(d), d).toBe(false);
  });

  it("starts watching at the deepest directory without wildcards; relative patterns start at root", () => {
    expect(new WatchMatcher(["/home/*/.ssh/authorized_keys", "/var/www/**/*.php", "/etc/passwd"]).literalPrefixes()).toEqual(["/home", "/var/www", "/etc"]);
    const rel = new WatchMatcher(["conf/*.yaml"], "/opt/app");
    expect(rel.isMatch("/opt/app/conf/a.yaml")).toBe(true);
    expect(rel.literalPrefixes()).toEqual(["/opt/app/conf"]);
  });
});
