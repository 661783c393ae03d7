import * as assert from "assert";
import fc from "fast-check";
import { decodeMessage, encodeMessage, CoapFormatError, CoapMessage, uintOption, readUint } from "../../lib/coap/message";
import { decodeBlock, encodeBlock, szxFor, blockSize } from "../../lib/coap/block";
import { MessageType, Code, Option, parseCode, codeText } from "../../lib/coap/constants";
import { decodePayload, encodePayload, contentFormatOf, PayloadFormatError } from "../../lib/coap/content-format";
import { isFresher } from "../../lib/coap/coap-client";

describe("CoAP message codec (RFC 7252 §3)", function () {
  it("decodes a confirmable GET with Uri-Path options and a token, byte for byte", function () {
    // 0x44: ver 1, CON, TKL 4; 0x01 GET; MID 0x7d34; token; Uri-Path "temp" (delta 11, len 4); Uri-Path "a" (delta 0, len 1)
    const bytes = Buffer.from("44017d34" + "a1b2c3d4" + "b474656d70" + "0161", "hex");
    const m = decodeMessage(bytes);
    assert.strictEqual(m.type, MessageType.CON);
    assert.strictEqual(m.code, Code.EMPTY + 1);
    assert.strictEqual(m.messageId, 0x7d34);
    assert.strictEqual(m.token.toString("hex"), "a1b2c3d4");
    assert.deepStrictEqual(m.options.map((o) => [o.number, o.value.toString()]), [[11, "temp"], [11, "a"]]);
    assert.strictEqual(m.payload.length, 0);
    assert.deepStrictEqual(encodeMessage(m), bytes, "re-encodes to the same bytes");
  });

  it("encodes extended option deltas and lengths (13 and 14 nibbles) and the payload marker", function () {
    const m: CoapMessage = { type: MessageType.NON, code: Code.CONTENT, messageId: 1, token: Buffer.alloc(0), options: [{ number: Option.NO_RESPONSE, value: Buffer.alloc(300, 1) }, { number: Option.CONTENT_FORMAT, value: uintOption(50) }], payload: Buffer.from("{}") };
    const bytes = encodeMessage(m);
    const back = decodeMessage(bytes);
    assert.deepStrictEqual(back.options.map((o) => o.number), [Option.CONTENT_FORMAT, Option.NO_RESPONSE], "options come back sorted");
    assert.strictEqual(back.options[1].value.length, 300);
    assert.strictEqual(back.payload.toString(), "{}");
    assert.strictEqual(bytes[bytes.length - 3], 0xff);
  });

  it("rejects malformed datagrams with the header needed to answer RST", function () {
    const cases: Array<[string, string, boolean]> = [
      ["4001", "shorter than a header", false],
      ["80010001", "version 2", false],
      ["49010001", "token length 9", true],
      ["40000001ff", "empty message with bytes", true],
      ["40010001ff", "marker without payload", true],
      ["40010001f0", "delta nibble 15", true],
      ["40010001b474", "option past the end", true],
      ["40010001d0", "extended delta cut off", true],
      ["40210001", "reserved class 1", true],
    ];
    for (const [hex, what, hasHeader] of cases) {
      assert.throws(
        () => decodeMessage(Buffer.from(hex, "hex")),
        (err: unknown) => err instanceof CoapFormatError && (err.header !== undefined) === hasHeader,
        what,
      );
    }
  });

  it("fuzz: 10,000 random datagrams only ever raise CoapFormatError, and what decodes re-encodes to an equal message", function () {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (bytes) => {
        let m: CoapMessage;
        try {
          m = decodeMessage(Buffer.from(bytes));
        } catch (err) {
          return err instanceof CoapFormatError;
        }
        assert.deepStrictEqual(decodeMessage(encodeMessage(m)), m);
        return true;
      }),
      { numRuns: 10_000, seed: 7252 },
    );
  });

  it("fuzz: 10,000 structured messages (valid header, random options and payload) round-trip", function () {
    const option = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.uint8Array({ maxLength: 300 })).map(([number, value]) => ({ number, value: Buffer.from(value) }));
    const message = fc.record({
      type: fc.constantFrom(MessageType.CON, MessageType.NON, MessageType.ACK, MessageType.RST),
      code: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 64, max: 191 })),
      messageId: fc.integer({ min: 0, max: 0xffff }),
      token: fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
      options: fc.array(option, { maxLength: 8 }),
      payload: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    });
    fc.assert(
      fc.property(message, (generated) => {
        const m: CoapMessage = { ...generated };
        const back = decodeMessage(encodeMessage(m));
        const sorted = m.options.map((o, i) => ({ o, i })).sort((a, b) => a.o.number - b.o.number || a.i - b.i).map(({ o }) => o);
        assert.deepStrictEqual(back, { ...m, options: sorted });
      }),
      { numRuns: 10_000, seed: 7959 },
    );
  });

  it("packs unsigned integer options in the fewest bytes", function () {
    assert.strictEqual(uintOption(0).length, 0);
    assert.deepStrictEqual(uintOption(60), Buffer.of(60));
    assert.deepStrictEqual(uintOption(0x1234), Buffer.of(0x12, 0x34));
    assert.strictEqual(readUint(uintOption(0xfffffe)), 0xfffffe);
  });
});

describe("Block option (RFC 7959 §2.2)", function () {
  it("round-trips NUM, M and SZX and rejects SZX 7", function () {
    for (const b of [{ num: 0, more: true, szx: 6 }, { num: 63, more: false, szx: 6 }, { num: 4095, more: true, szx: 2 }, { num: 0xfffff, more: false, szx: 0 }]) assert.deepStrictEqual(decodeBlock(encodeBlock(b)), b);
    assert.strictEqual(encodeBlock({ num: 0, more: false, szx: 0 }).length, 0);
    assert.strictEqual(decodeBlock(Buffer.of(0x0f)), undefined);
    assert.strictEqual(blockSize(szxFor(1000)), 512);
    assert.strictEqual(blockSize(szxFor(1024)), 1024);
  });
});

describe("Content-Formats", function () {
  it("decodes JSON, CBOR, SenML JSON/CBOR, text and octets", function () {
    assert.deepStrictEqual(decodePayload(Buffer.from('{"t":4.5}'), 50), { t: 4.5 });
    assert.deepStrictEqual(decodePayload(Buffer.from("a1617402", "hex"), 60), { t: 2 });
    assert.deepStrictEqual(decodePayload(Buffer.from('[{"bn":"cr1/","n":"t","v":3}]'), 110), [{ bn: "cr1/", n: "t", v: 3 }]);
    // [{-2: "cr1/", 0: "t", 2: 3.5}] in CBOR, as a sensor sends SenML CBOR
    // written by hand: the label -2 (bn) is 0x21, 0 (n) is 0x00, 2 (v) is 0x02, 3.5 a half float
    assert.deepStrictEqual(decodePayload(Buffer.from("81a321646372312f00617402f94300", "hex"), 112), [{ bn: "cr1/", n: "t", v: 3.5 }]);
    const encoded = encodePayload([{ bn: "cr1/", n: "t", v: 3.5 }], 112).payload;
    assert.ok(encoded.toString("hex").startsWith("81a321646372312f00617402"), "integer labels on the wire");
    assert.deepStrictEqual(decodePayload(encoded, 112), [{ bn: "cr1/", n: "t", v: 3.5 }]);
    assert.strictEqual(decodePayload(Buffer.from("hi"), 0), "hi");
    assert.deepStrictEqual(decodePayload(Buffer.of(1, 2), 42), Buffer.of(1, 2));
    assert.deepStrictEqual(decodePayload(Buffer.of(1, 2), undefined), Buffer.of(1, 2));
  });

  it("reports bodies that do not match their Content-Format", function () {
    assert.throws(() => decodePayload(Buffer.from("{bad"), 50), PayloadFormatError);
    assert.throws(() => decodePayload(Buffer.from('{"n":1}'), 110), /SenML pack is a JSON array/);
    assert.throws(() => decodePayload(Buffer.of(0xff), 60), PayloadFormatError);
    assert.throws(() => decodePayload(Buffer.from("a1", "hex"), 112), PayloadFormatError);
  });

  it("fuzz: decoding random bytes as any format fails only with PayloadFormatError", function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(0, 42, 50, 60, 110, 112), (bytes, format) => {
        try {
          decodePayload(Buffer.from(bytes), format);
        } catch (err) {
          return err instanceof PayloadFormatError;
        }
        return true;
      }),
      { numRuns: 2000, seed: 8428 },
    );
  });

  it("encodes by value type when no format is given, and names formats", function () {
    assert.deepStrictEqual(encodePayload({ a: 1 }, undefined), { payload: Buffer.from('{"a":1}'), format: 50 });
    assert.deepStrictEqual(encodePayload("x", undefined), { payload: Buffer.from("x"), format: 0 });
    assert.deepStrictEqual(encodePayload(Buffer.of(9), undefined), { payload: Buffer.of(9), format: 42 });
    assert.strictEqual(contentFormatOf("application/senml+cbor"), 112);
    assert.strictEqual(contentFormatOf("60"), 60);
    assert.strictEqual(contentFormatOf(""), undefined);
  });
});

describe("codes and Observe freshness", function () {
  it("parses response codes in their written forms", function () {
    assert.strictEqual(parseCode("2.05"), Code.CONTENT);
    assert.strictEqual(parseCode(2.05), Code.CONTENT);
    assert.strictEqual(parseCode(404), Code.NOT_FOUND);
    assert.strictEqual(parseCode("4.13"), Code.REQUEST_ENTITY_TOO_LARGE);
    assert.strictEqual(parseCode("2.5x"), undefined);
    assert.strictEqual(codeText(Code.CONTINUE), "2.31");
  });

  it("orders 24-bit Observe numbers across the wrap (RFC 7641 §3.4)", function () {
    assert.ok(isFresher(5, 6));
    assert.ok(!isFresher(6, 5));
    assert.ok(isFresher(0xfffffe, 1), "wraps");
    assert.ok(!isFresher(1, 0xfffffe));
  });
});
