// Behaviour parity with Velociraptor for portable builtins (issue 15, item 4), from documented
// examples and Velociraptor's own sources and test cases (cited per case): atoi() prefixes,
// serialize() formats, parse_csv() typing, timestamp() zero time, hash(hashselect, max_size),
// the TZ variable, cache()/memoize() names, lambdas and sizes, now(ns), query()'s new arguments,
// parse_lines(buffer_size).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "../eval/testing";

const v = (expr: string, opts = {}) => valueOf(expr, opts);

describe("atoi()", () => {
  // Velociraptor vql/functions/functions.go _ToInt reads text with strconv.ParseInt(t, 0, 64).
  // Go's strconv docs: "If the base argument is 0, the true base is implied by the string's
  // prefix following the sign (if present): 2 for "0b", 8 for "0" or "0o", 16 for "0x", and 10
  // otherwise. Also, for argument base 0 only, underscore characters are permitted".
  it("honours 0x, 0o, 0b and leading-0 prefixes and underscores", async () => {
    expect(await v("atoi(string='0x10')")).toBe("16");
    expect(await v("atoi(string='0X1f')")).toBe("31");
    expect(await v("atoi(string='0o17')")).toBe("15");
    expect(await v("atoi(string='010')")).toBe("8");
    expect(await v("atoi(string='0b101')")).toBe("5");
    expect(await v("atoi(string='-0x10')")).toBe("-16");
    expect(await v("atoi(string='1_000')")).toBe("1000");
  });
  it("gives 0 for invalid text (ParseInt's error value), even around spaces", async () => {
    expect(await v("atoi(string='abc')")).toBe("0");
    expect(await v("atoi(string=' 12')")).toBe("0");
    expect(await v("atoi(string='09')")).toBe("0");
    expect(await v("atoi(string='')")).toBe("0");
  });
  it("converts non-text values as utils.ToInt64 does: floats truncate, booleans are 0/1", async () => {
    expect(await v("atoi(string=3.7)")).toBe("3");
    expect(await v("atoi(string=TRUE)")).toBe("1");
    expect(await v("atoi(string=42)")).toBe("42");
  });
  it("clamps out-of-range text at the int64 bound (ParseInt's range error value)", async () => {
    expect(await v("atoi(string='99999999999999999999') = 9223372036854775807")).toBe("true");
  });
});

describe("serialize()", () => {
  // Velociraptor vql/functions/encode.go: formats "", json, string (utils.ToString), yaml, hex,
  // base64 (RawStdEncoding: unpadded) and csv.
  it("writes hex, unpadded base64 and string", async () => {
    expect(await v("serialize(item='hi', format='hex')")).toBe('"6869"');
    expect(await v("serialize(item='hi', format='base64')")).toBe('"aGk"');
    expect(await v("serialize(item='hi', format='string')")).toBe('"hi"');
    expect(await v("serialize(item=5, format='string')")).toBe('"5"');
    // utils.ToString formats a time.Time as t.UTC().Format(time.RFC3339).
    expect(await v("serialize(item=timestamp(epoch=1.5), format='string')")).toBe('"1970-01-01T00:00:01Z"');
  });
  it("logs and gives NULL for hex of a non-string", async () => {
    const r = await collect("SELECT serialize(item=dict(a=1), format='hex') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join("\n")).toMatch(/hex/);
  });
});

describe("parse_csv() typing", () => {
  // Velociraptor file_store/csv/reader.go ReadAny: "true"/"false" are bools, a leading space
  // marks an ambiguous string (dropped), {..} and [..] are JSON, then strconv.Atoi, then
  // strconv.ParseFloat; the header line is read as plain strings.
  it("types booleans, integers, floats and JSON; a leading space keeps text", async () => {
    const csv = 'b,i,f,s,o,l,t,n\ntrue,12,1.5, 7,"{""x"":1}","[1,2]",text,-3\nfalse,007,1e3,x,{bad,[,12a,+4\n';
    expect(await rowsOf(`SELECT * FROM parse_csv(filename=\'\'\'${csv}\'\'\', accessor='data')`)).toEqual([
      '{"b":true,"i":12,"f":1.5,"s":"7","o":{"x":1},"l":[1,2],"t":"text","n":-3}',
      '{"b":false,"i":7,"f":1000,"s":"x","o":"{bad","l":"[","t":"12a","n":4}',
    ]);
  });
  it("reads base64: fields as bytes", async () => {
    expect(await rowsOf(`SELECT * FROM parse_csv(filename="a\\nbase64:aGk=\\n", accessor='data')`)).toEqual(['{"a":"hi"}']);
  });
});

describe("timestamp() zero time", () => {
  // Velociraptor vql/functions/time.go TimeFromAny: "If there is no input return an empty
  // timestamp (This is not the unix epoch!)", and an epoch of 0 is time.Time{} too.
  it("epoch=0, epoch='' and epoch='0' are 0001-01-01T00:00:00Z", async () => {
    expect(await v("timestamp(epoch=0)")).toBe('"0001-01-01T00:00:00Z"');
    expect(await v("timestamp(epoch='')")).toBe('"0001-01-01T00:00:00Z"');
    expect(await v("timestamp(epoch='0')")).toBe('"0001-01-01T00:00:00Z"');
    expect(await v("timestamp(epoch=0).IsZero")).toBe("true");
  });
  it("NULL is not a time, and an empty string= falls back to epoch", async () => {
    expect(await v("timestamp(epoch=NULL)")).toBe("null");
    expect(await v("timestamp(string='', epoch=1)")).toBe('"1970-01-01T00:00:01Z"');
  });
});

describe("hash()", () => {
  const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
  // Velociraptor vql/functions/hash.go: HashResult.ToDict always sets MD5, SHA1 and SHA256; the
  // ones not selected stay "". Only md5/MD5, sha1/SHA1, sha256/SHA256 are recognised.
  it("hashselect leaves the other fields empty", async () => {
    expect(await v("hash(path='abc', hashselect='sha1')")).toBe(`{"MD5":"","SHA1":"${sha1("abc")}","SHA256":""}`);
  });
  it("an unknown hashselect name is an error and NULL", async () => {
    const r = await collect("SELECT hash(path='abc', hashselect='Sha1') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":null}']);
    expect(r.logs.join("\n")).toMatch(/hashselect option Sha1 not recognized/);
  });
  it("max_size stops at the 64 KiB read that passes it", async () => {
    // 70000 bytes with max_size 65546: the second 64 KiB read passes the limit and is dropped,
    // so the first 65536 bytes are hashed.
    const data = "a".repeat(70000);
    const r = await collect(`SELECT hash(path='${data}', hashselect='SHA1', max_size=65546).SHA1 AS H, hash(path='${data}', hashselect='SHA1').SHA1 AS Full FROM scope()`);
    expect(r.rows).toEqual([`{"H":"${sha1("a".repeat(65536))}","Full":"${sha1(data)}"}`]);
    // HASH_MAX_SIZE is the default limit when max_size is not given.
    const h = await collect(`LET HASH_MAX_SIZE = 1000 SELECT hash(path='${data}', hashselect='SHA1').SHA1 AS H FROM scope()`);
    expect(h.rows).toEqual([`{"H":"${sha1("")}"}`]);
  });
});

describe("the TZ variable", () => {
  // Velociraptor vql/functions/time.go getTimezone: PARSE_TZ, else TZ, names the zone
  // timestamp_format() formats in ("Format the time in the required timezone"). 1700000000 is
  // 2023-11-14T22:13:20Z; New York is then on EST (UTC-5), Brisbane on AEST (UTC+10, no DST).
  it("sets the zone of timestamp_format()", async () => {
    expect(await v("timestamp_format(time=1700000000)")).toBe('"2023-11-14T22:13:20Z"');
    const ny = await rowsOf("LET TZ = 'America/New_York' SELECT timestamp_format(time=1700000000) AS A, timestamp_format(time=1700000000, format='2006-01-02 15:04 MST -0700') AS B FROM scope()");
    expect(ny).toEqual(['{"A":"2023-11-14T17:13:20-05:00","B":"2023-11-14 17:13 EST -0500"}']);
    const bne = await rowsOf("LET TZ = 'Australia/Brisbane' SELECT timestamp_format(time=1700000000) AS A FROM scope()");
    expect(bne).toEqual(['{"A":"2023-11-15T08:13:20+10:00"}']);
    const parseTz = await rowsOf("LET TZ = 'Australia/Brisbane' LET PARSE_TZ = 'UTC' SELECT timestamp_format(time=1700000000) AS A FROM scope()");
    expect(parseTz).toEqual(['{"A":"2023-11-14T22:13:20Z"}']);
  });
  it("an unknown zone is logged and UTC is used", async () => {
    const r = await collect("LET TZ = 'Mars/Olympus' SELECT timestamp_format(time=1700000000) AS A FROM scope()");
    expect(r.rows).toEqual(['{"A":"2023-11-14T22:13:20Z"}']);
    expect(r.logs.join("\n")).toMatch(/Unable to load timezone from TZ Mars\/Olympus/);
  });
});

describe("cache() and memoize()", () => {
  const ran = (logs: string[]) => logs.filter((l) => /I Ran with/.test(l)).map((l) => /I Ran with (\d+)/.exec(l)![1]);
  // Velociraptor artifacts/testdata/server/testcases/cache.in.yaml / cache.out.yaml: C5 10,
  // C5_2 10, C10 15, and the function runs once per key (logs "I Ran with 5", "... 10").
  it("a named cache made with a lambda is shared by later calls with only the name and key", async () => {
    const r = await collect(`LET _ <= cache(name="Once", lambda='''x=>log(message="I Ran with %v", args=x, dedup= -1) && (x + 5)''', period=999999, max_size=100)
SELECT cache(name="Once", key=5) AS C5, cache(name="Once", key=5) AS C5_2, cache(name="Once", key=10) AS C10 FROM scope()`);
    expect(r.rows).toEqual(['{"C5":10,"C5_2":10,"C10":15}']);
    expect(ran(r.logs)).toEqual(["5", "10"]);
  });
  it("the func form through a LET function, as in the same test case", async () => {
    const r = await collect(`LET Cache(X) = cache(name="MemoryCache", func=log(message="I Ran with %v", args=X, dedup= -1) && (X + 5), key=X, period=999999, max_size=100)
SELECT Cache(X=5) AS C5, Cache(X=5) AS C5_2, Cache(X=10) AS C10 FROM scope()`);
    expect(r.rows).toEqual(['{"C5":10,"C5_2":10,"C10":15}']);
    expect(ran(r.logs)).toEqual(["5", "10"]);
  });
  it("max_size keeps the most recently used keys", async () => {
    const r = await collect(`LET _ <= cache(name="Small", lambda='''x=>log(message="I Ran with %v", args=x, dedup= -1) && x''', max_size=2)
SELECT cache(name="Small", key=_value) AS V FROM foreach(row=(1, 2, 1, 3, 2, 1))`);
    expect(r.rows.map((x) => JSON.parse(x).V)).toEqual([1, 2, 1, 3, 2, 1]);
    // 1 and 2 are cached, 1 hit, 3 evicts 2 (least recently used), so 2 runs again and evicts 1.
    expect(ran(r.logs)).toEqual(["1", "2", "3", "2", "1"]);
  });
  it("without func or lambda the first call is an error; without key it only makes the cache", async () => {
    const r = await collect(`SELECT cache(name="None", key=1) AS A FROM scope()`);
    expect(r.rows).toEqual(['{"A":null}']);
    expect(r.logs.join("\n")).toMatch(/One of `func` or `lambda` is required/);
    expect(await v("cache(name='K', lambda='x=>x')")).toBe("null");
  });
  // Velociraptor vql/tools/lru/memoize.go logs "memoize %v: Filled cache with %v rows".
  it("memoize(name=) logs each fill under its name", async () => {
    const r = await collect("LET M <= memoize(query={ SELECT _value AS K FROM range(end=5) }, key='K', name='Numbers') SELECT M.`3`.K AS A FROM scope()");
    expect(r.rows).toEqual(['{"A":3}']);
    expect(r.logs.join("\n")).toMatch(/memoize Numbers: Filled cache with 5 rows/);
  });
});

describe("now() and query()", () => {
  // Velociraptor vql/functions/functions.go _Now: time.Now().UnixNano() with ns=TRUE.
  it("now(ns=TRUE) is nanoseconds", async () => {
    const clock = () => 1_700_000_000_123;
    expect(await v("now()", { clock })).toBe("1700000000");
    expect(await v("now(ns=TRUE)", { clock })).toBe("1700000000123000000");
  });
  // Velociraptor vql/tools/query.go: exit is "A callback to consider each row. When the callback
  // returns TRUE the query is aborted"; timeout cancels it after that many seconds.
  it("exit= stops at the first row the lambda accepts", async () => {
    expect(await rowsOf("SELECT * FROM query(query={ SELECT _value AS N FROM range(end=1000000) }, exit='x => x.N = 3')")).toEqual(['{"N":0}', '{"N":1}', '{"N":2}']);
  });
  it("timeout= cancels a query that would run on", async () => {
    const started = Date.now();
    const rows = await rowsOf("SELECT * FROM query(query={ SELECT * FROM clock(period=60) }, timeout=0.3)");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(rows.length).toBeLessThanOrEqual(1);
  });
  it("inherit= sees the caller's variables and ignores env; copy_env copies named ones", async () => {
    expect(await rowsOf("LET Y = 5 SELECT * FROM query(query='SELECT Y FROM scope()', inherit=TRUE, env=dict(Y=6))")).toEqual(['{"Y":5}']);
    expect(await rowsOf("LET Y = 5 SELECT * FROM query(query='SELECT Y FROM scope()', copy_env='Y')")).toEqual(['{"Y":5}']);
  });
});

describe("parse_lines(buffer_size)", () => {
  // Velociraptor vql/parsers/syslog/scanner.go: bufio.Scanner with scanner.Buffer(buffer_size);
  // a longer line is bufio.ErrTooLong ("token too long"), logged, and reading stops.
  it("stops with an error at a line that does not fit", async () => {
    const r = await collect("SELECT * FROM parse_lines(filename='ab\\nabcdefgh\\nc\\n', buffer_size=5, accessor='data')");
    expect(r.rows).toEqual(['{"Line":"ab"}']);
    expect(r.logs.join("\n")).toMatch(/token too long/);
  });
  it("drops a byte order mark and CRs", async () => {
    expect(await rowsOf("SELECT * FROM parse_lines(filename=format(format='%sa\\r\\nb', args=unhex(string='efbbbf')), accessor='data')")).toEqual(['{"Line":"a"}', '{"Line":"b"}']);
  });
});
