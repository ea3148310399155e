// The portable standard library through VQL (values shown as JSON text).
import { describe, expect, it } from "vitest";
import { collect, rowsOf, valueOf } from "../eval/testing";

const v = (expr: string, opts = {}) => valueOf(expr, opts);

describe("strings", () => {
  it("format renders timestamps as RFC3339 and one value or a list", async () => {
    expect(await v("format(format='%v|%s', args=[timestamp(epoch=1), 'x'])")).toBe('"1970-01-01T00:00:01Z|x"');
    expect(await v("format(format='%08.3f|%-4d|', args=(3.14159, 7))")).toBe('"0003.142|7   |"');
  });
  it("str, lowcase/upcase (Unicode), strip, substr", async () => {
    expect(await v("str(str=dict(a=(1, 2)))")).toBe('"{\\"a\\":[1,2]}"');
    expect(await v("upcase(string='straße')")).toBe('"STRASSE"');
    expect(await v("strip(string='  x  ')")).toBe('"x"');
    expect(await v("strip(string='prefix-x.txt', prefix='prefix-', suffix='.txt')")).toBe('"x"');
    expect(await v("substr(str='héllo', start=1, end=3)")).toBe('"él"');
  });
  it("split (regex or literal) and join", async () => {
    expect(await v("split(string='a.b', sep_string='.')")).toBe('["a","b"]');
    expect(await v("split(string='A1b2C', sep='[0-9]')")).toBe('["A","b","C"]');
    expect(await v("join(array=split(string='a b c', sep=' '), sep='+')")).toBe('"a+b+c"');
  });
  it("regex_replace with a lambda, regex_transform, parse_string_with_regex", async () => {
    expect(await v("regex_replace(source='a1b22', re='[0-9]+', replace_lambda='x => len(list=x)')")).toBe('"a1b2"');
    expect(await v("regex_transform(source='Hello World', map=dict(`^h`='J', o='0'))")).toBe('"Jell0 W0rld"');
    expect(await v("parse_string_with_regex(string='user=bob id=7', regex=['user=(?P<User>\\\\w+)', 'id=(\\\\d+)'])")).toBe('{"User":"bob","g1":"7"}');
  });
  it("int, atoi and parse_float", async () => {
    expect(await v("(int(int='0b101'), int(int='1_000'), int(int='-017'), int(int=TRUE), atoi(string='42x'), parse_float(string='2.5e1'))")).toBe(
      "[5,1000,-15,1,0,25]",
    );
  });
});

describe("encodings and hashes", () => {
  it("base64, hex, xor, rot13, UTF-16", async () => {
    expect(await v("base64encode(string='hello')")).toBe('"aGVsbG8="');
    expect(await v("base64decode(string='aGVsbG8=')")).toBe('"hello"');
    expect(await v("base64decode(string='!!')")).toBe("null");
    expect(await v("encode(string='hi', type='hex')")).toBe('"6869"');
    expect(await v("encode(string='hi', type='base64')")).toBe('"aGk"');
    expect(await v("unhex(string='6869')")).toBe('"hi"');
    expect(await v("xor(string=xor(string='secret', key='k'), key='k')")).toBe('"secret"');
    expect(await v("rot13(string='Hello')")).toBe('"Uryyb"');
    expect(await v("utf16(string=utf16_encode(string='hé'))")).toBe('"hé"');
  });
  it("hashes data (digests computed independently with node:crypto)", async () => {
    expect(await v("hash(path='abc')")).toBe(
      '{"MD5":"900150983cd24fb0d6963f7d28e17f72","SHA1":"a9993e364706816aba3e25717850c26c9cd0d89d","SHA256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}',
    );
    // Velociraptor's HashResult.ToDict always has the three fields; unselected ones are empty.
    expect(await v("hash(path='', hashselect='MD5')")).toBe('{"MD5":"d41d8cd98f00b204e9800998ecf8427e","SHA1":"","SHA256":""}');
    const long = "a".repeat(1000);
    expect(await v(`hash(path='${long}').SHA256`)).toBe('"41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"');
  });
});

describe("JSON, YAML and CSV", () => {
  it("parse_json keeps key order and turns RFC3339 strings into timestamps", async () => {
    expect(await v(`parse_json(data='{"2": 1, "1": 2, "t": "2024-01-01T10:00:00+02:00"}')`)).toBe('{"2":1,"1":2,"t":"2024-01-01T08:00:00Z"}');
    expect(await v(`parse_json(data='{"t": "2024-01-01T10:00:00Z"}').t.Year`)).toBe("2024");
    expect(await v("parse_json_array(data='[1, \"a\"]')")).toBe('[1,"a"]');
  });
  it("parse_json_array as a plugin streams rows", async () => {
    expect(await rowsOf(`SELECT * FROM parse_json_array(data='[{"a": 1}, 2]')`)).toEqual(['{"a":1}', '{"_value":2}']);
  });
  it("serialize to json (one-space indent), yaml, csv", async () => {
    expect(await v("serialize(item=dict(a=[1,]), format='json')")).toBe('"{\\n \\"a\\": [\\n  1\\n ]\\n}"');
    expect(await v("serialize(item=dict(a=1, b='x'), format='yaml')")).toBe('"a: 1\\nb: x\\n"');
    expect(await v("serialize(item={ SELECT _value AS V, 'a,b' AS S FROM range(end=2) }, format='csv')")).toBe('"V,S\\n0,\\"a,b\\"\\n1,\\"a,b\\"\\n"');
  });
  it("parse_csv and parse_lines over text", async () => {
    expect(await rowsOf(`SELECT * FROM parse_csv(filename='a,b\n1,"x,""y"""\n2,z\n', accessor='data')`)).toEqual(['{"a":1,"b":"x,\\"y\\""}', '{"a":2,"b":"z"}']);
    expect(await rowsOf(`SELECT * FROM parse_lines(filename='one\ntwo\n', accessor='data')`)).toEqual(['{"Line":"one"}', '{"Line":"two"}']);
  });
});

describe("time", () => {
  it("timestamp() from units, strings, layouts and Windows/Cocoa times", async () => {
    expect(await v("timestamp(epoch=1723428985123)")).toBe('"2024-08-12T02:16:25.123Z"');
    expect(await v("timestamp(epoch='1723428985')")).toBe('"2024-08-12T02:16:25Z"');
    expect(await v("timestamp(string='12/08/2024', format='02/01/2006')")).toBe('"2024-08-12T00:00:00Z"');
    expect(await v("timestamp(winfiletime=133679025850000000)")).toBe('"2024-08-12T02:16:25Z"');
    expect(await v("timestamp(cocoatime=745121785)")).toBe('"2024-08-12T02:16:25Z"');
    expect(await v("timestamp(epoch='not a date')")).toBe("null");
  });
  it("timestamp_format with Go layouts and names", async () => {
    const t = "timestamp(epoch=1723428985.25)";
    expect(await v(`timestamp_format(time=${t})`)).toBe('"2024-08-12T02:16:25Z"');
    expect(await v(`timestamp_format(time=${t}, format='RFC3339Nano')`)).toBe('"2024-08-12T02:16:25.25Z"');
    expect(await v(`timestamp_format(time=${t}, format='Mon Jan _2 3:04:05.000 PM 2006')`)).toBe('"Mon Aug 12 2:16:25.250 AM 2024"');
    expect(await v(`timestamp_format(time=${t}, format='DateTime')`)).toBe('"2024-08-12 02:16:25"');
  });
  it("now() uses the injected clock; humanize() renders sizes, counts and ages", async () => {
    const clock = () => 1_723_428_985_000;
    expect(await v("now()", { clock })).toBe("1723428985");
    expect(await v("(humanize(ibytes=1024), humanize(bytes=9), humanize(comma=-1234))")).toBe('["1.0 KiB","9 B","-1,234"]');
    expect(await v("humanize(time=timestamp(epoch=now() - 7200))", { clock })).toBe('"2 hours ago"');
  });
  it("timestamps expose members and compare with numbers and strings", async () => {
    expect(await v("timestamp(epoch=1723428985).Unix")).toBe("1723428985");
    expect(await v("timestamp(epoch=1723428985) > '2024-01-01'")).toBe("true");
  });
});

describe("data helpers", () => {
  it("get with dotted paths and defaults, set, slice, items, to_dict", async () => {
    expect(await v("get(item=dict(a=dict(b=(10, 20))), member='a.b.1')")).toBe("20");
    expect(await v("get(item=dict(a=1), field='z', default='d')")).toBe('"d"');
  });
  it("get() without item reads the field from the scope, as Velociraptor's does (item defaults to the scope)", async () => {
    expect(await rowsOf("LET Tool_X_HASH = 'abc' SELECT get(field='Tool_' + 'X' + '_HASH') AS H, get(field='Tool_Y_HASH') AS N, get(field='Tool_Y_HASH', default='d') AS D FROM scope()")).toEqual(['{"H":"abc","N":null,"D":"d"}']);
    expect(await v("slice(list=(1, 2, 3, 4), start=1, end=9)")).toBe("[2,3,4]");
    expect(await v("to_dict(item=items(item=dict(x=1, y=2)))")).toBe('{"x":1,"y":2}');
    expect(await v("typeof(x=dict())")).toBe('"*ordereddict.Dict"');
  });
  it("filter, all and any with lambdas and regexes; eval", async () => {
    expect(await v("filter(list=('a', 'B', 'c'), regex='^[ab]$')")).toBe('["a","B"]');
    expect(await v("(all(items=(1, 2), filter='x => x > 0'), any(items=(1, 2), filter='x => x > 1'), all(items=(1, 0)))")).toBe("[true,true,false]");
    expect(await v("eval(func='a, b => a * b', args=(6, 7))")).toBe("42");
  });
  it("lazy_dict values are computed when read", async () => {
    expect(await v("lazy_dict(a=1 + 1)")).toBe('{"a":2}');
  });
  it("paths", async () => {
    expect(await v("(basename(path='C:\\\\Windows\\\\notepad.exe'), dirname(path='/usr/bin/ls'), path_join(components=('a', 'b/c')), path_split(path='/a/b'))")).toBe(
      '["notepad.exe","/usr/bin","a/b/c",["a","b"]]',
    );
  });
  it("aggregates: min/max/enumerate/rate", async () => {
    expect(await rowsOf("SELECT enumerate(items=_value) AS E, rate(x=_value * 10, y=_value) AS R FROM range(end=3)")).toEqual([
      '{"E":[0],"R":null}',
      '{"E":[0,1],"R":10}',
      '{"E":[0,1,2],"R":10}',
    ]);
  });
  it("log() writes at the given level and deduplicates", async () => {
    const r = await collect("SELECT log(message='hi %v', args=1, level='warn') AS A FROM range(end=3)");
    expect(r.rows).toEqual(['{"A":true}', '{"A":true}', '{"A":true}']);
    expect(r.logs).toEqual(["WARN 1:8 hi 1"]);
  });
  it("uuid() is a version 4 UUID", async () => {
    expect(await v("uuid()")).toMatch(/^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/);
  });
});

describe("query plugins", () => {
  it("query() runs VQL text with env in a child scope", async () => {
    expect(await rowsOf("SELECT * FROM query(query='LET Y = X * 2 SELECT Y FROM scope()', env=dict(X=21))")).toEqual(['{"Y":42}']);
  });
  it("column_filter keeps and drops columns by regex", async () => {
    expect(await rowsOf("SELECT * FROM column_filter(query={ SELECT 1 AS Aa, 2 AS Ab, 3 AS B FROM scope() }, include='^a', exclude='b$')")).toEqual([
      '{"Aa":1}',
    ]);
  });
  it("chain(async=TRUE) and combine() interleave but return every row", async () => {
    const rows = await rowsOf("SELECT * FROM combine(a={ SELECT * FROM range(end=3) }, b={ SELECT * FROM range(start=10, end=12) })");
    expect(rows.sort()).toEqual(['{"_value":0}', '{"_value":10}', '{"_value":11}', '{"_value":1}', '{"_value":2}'].sort());
  });
  it("foreach with workers runs bodies concurrently and returns all rows", async () => {
    const rows = await rowsOf("SELECT * FROM foreach(row={ SELECT * FROM range(end=20) }, query={ SELECT _value * 2 AS D FROM scope() }, workers=4)");
    expect(rows.map((r) => JSON.parse(r).D).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
  it("switch skips branches without rows", async () => {
    expect(await rowsOf("SELECT * FROM switch(a={ SELECT 1 AS X FROM scope() WHERE FALSE }, b={ SELECT 2 AS X FROM scope() }, c={ SELECT 3 AS X FROM scope() })")).toEqual([
      '{"X":2}',
    ]);
  });
});

describe("cache and memoize", () => {
  it("cache() evaluates once per key", async () => {
    expect(await rowsOf("SELECT cache(func=count(), key='k') AS A, cache(func=count(), key=str(str=_value)) AS B FROM range(end=3)")).toEqual([
      '{"A":1,"B":1}',
      '{"A":1,"B":2}',
      '{"A":1,"B":3}',
    ]);
  });
  it("memoize() looks rows up by key", async () => {
    const q = "LET M <= memoize(query={ SELECT _value AS K, _value * 10 AS V FROM range(end=5) }, key='K') ";
    expect(await rowsOf(q + "SELECT get(item=M, field='3').V AS A, M.`4`.V AS B, get(item=M, field='9') AS C FROM scope()")).toEqual([
      '{"A":30,"B":40,"C":null}',
    ]);
  });
});
