// grok(): expected captures from the documented grok examples (Elastic's "Do you grok Grok?" and
// Logstash's grok filter docs) and Velociraptor's grok() rules (sorted keys, {} without a match).
import { describe, expect, it } from "vitest";
import { collect, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("grok()", () => {
  it("docs example: an HTTP request line into client, method, request, bytes and duration", async () => {
    expect(await v("grok(grok='%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes} %{NUMBER:duration}', data='55.3.244.1 GET /index.html?a=1 15824 0.043')")).toBe(
      '{"bytes":"15824","client":"55.3.244.1","duration":"0.043","method":"GET","request":"/index.html?a=1"}',
    );
  });
  it("docs example: a syslog line, with SYSLOGPROG's own program and pid fields", async () => {
    const line = "Dec 23 14:30:01 louis CRON[619]: (www-data) CMD (php poller.php)";
    expect(await v(`grok(grok='%{SYSLOGTIMESTAMP:timestamp} %{SYSLOGHOST:hostname} %{SYSLOGPROG}: %{GREEDYDATA:message}', data='${line}')`)).toBe(
      '{"hostname":"louis","message":"(www-data) CMD (php poller.php)","pid":"619","program":"CRON","timestamp":"Dec 23 14:30:01"}',
    );
  });
  it("an sshd accepted-login line (Linux.Syslog.SSHLogin's shape)", async () => {
    const line = "Feb  3 10:11:12 host sshd[1234]: Accepted publickey for alice from 10.0.0.5 port 50522 ssh2";
    expect(await v(`grok(grok='%{SYSLOGTIMESTAMP:Timestamp} %{SYSLOGHOST:logsource} %{SYSLOGPROG}: %{DATA:event} %{DATA:method} for (invalid user )?%{DATA:user} from %{IPORHOST:ip} port %{NUMBER:port} ssh2', data='${line}')`)).toBe(
      '{"Timestamp":"Feb  3 10:11:12","event":"Accepted","ip":"10.0.0.5","logsource":"host","method":"publickey","pid":"1234","port":"50522","program":"sshd","user":"alice"}',
    );
  });
  it("takes extra patterns, and all_captures captures unnamed references by pattern name", async () => {
    expect(await v("grok(grok='%{KV:pair}', data='a=1', patterns=dict(KV='%{WORD:k}=%{INT:v}'))")).toBe('{"k":"a","pair":"a=1","v":"1"}');
    expect(await v("grok(grok='%{WORD} %{INT}', data='abc 42', all_captures=TRUE)")).toBe('{"INT":"42","WORD":"abc"}');
    expect(await v("grok(grok='%{WORD} %{INT}', data='abc 42')")).toBe("{}");
  });
  it("gives {} when the data does not match and NULL (logged) for an unknown pattern", async () => {
    expect(await v("grok(grok='%{INT:n}', data='no digits')")).toBe("{}");
    const r = await collect("SELECT grok(grok='%{NOPE:x}', data='y') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join()).toContain("grok: no pattern found for %{NOPE}");
  });
  it("refuses a pattern that references itself", async () => {
    const r = await collect("SELECT grok(grok='%{A:x}', data='y', patterns=dict(A='%{A}%{A}')) AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join()).toMatch(/grok: (pattern %\{A\} nests too deeply|the expression expands)/);
  });
  it("matches every address and time format the corpus uses", async () => {
    expect(await v("grok(grok='%{IPORHOST:a} %{IPORHOST:b} %{TIMESTAMP_ISO8601:t} %{HTTPDATE:h}', data='2001:db8::1 example.org 2024-01-02T03:04:05.123Z 10/Oct/2000:13:55:36 -0700')")).toBe(
      '{"a":"2001:db8::1","b":"example.org","h":"10/Oct/2000:13:55:36 -0700","t":"2024-01-02T03:04:05.123Z"}',
    );
  });

  it("a `systemctl list-units` line (Linux.Sys.Services' expression) and dotted field names", async () => {
    expect(await v("grok(grok='%{NOTSPACE:Unit}%{SPACE}%{NOTSPACE:Load}%{SPACE}%{NOTSPACE:Active}%{SPACE}%{NOTSPACE:Sub}%{SPACE}%{GREEDYDATA:Description}', data='cron.service   loaded active running Regular background program processing daemon')")).toBe(
      '{"Active":"active","Description":"Regular background program processing daemon","Load":"loaded","Sub":"running","Unit":"cron.service"}',
    );
    expect(await v("grok(grok='%{WORD:a.b}(: %{GREEDYDATA:system.auth.sig})?', data='x: RSA SHA256:abc')")).toBe('{"a.b":"x","system.auth.sig":"RSA SHA256:abc"}');
  });
});
