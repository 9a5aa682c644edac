import { expect } from 'chai';
import { isJsonUtf8, MAX_JSON_BODY_BYTES, refusalByHeaders } from '../../src/server/jsonBody';

describe('what the JSON body reader accepts, from the headers alone', () => {
  it('takes application/json, bare or with charset=utf-8 in any spelling', () => {
    for (const type of [
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json; charset="utf-8"',
    ]) {
      expect(isJsonUtf8(type), type).to.equal(true);
    }
  });

  it('refuses every other type or parameter', () => {
    for (const type of [
      undefined,
      '',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/json-seq',
      'application/vnd.api+json',
      'application/json; charset=utf-16',
      'application/json; charset=utf-8; boundary=x',
    ]) {
      expect(isJsonUtf8(type), String(type)).to.equal(false);
    }
  });

  it('refuses any content coding but identity with 415', () => {
    const json = { 'content-type': 'application/json' };
    expect(refusalByHeaders({ ...json, 'content-encoding': 'identity' }, MAX_JSON_BODY_BYTES)).to.equal(
      undefined,
    );
    for (const encoding of ['gzip', 'deflate', 'br', 'identity, gzip']) {
      expect(
        refusalByHeaders({ ...json, 'content-encoding': encoding }, MAX_JSON_BODY_BYTES)?.status,
      ).to.equal(415);
    }
  });

  it('refuses a declared length over the cap with 413', () => {
    const json = { 'content-type': 'application/json' };
    const at = (length: number) => refusalByHeaders({ ...json, 'content-length': String(length) }, 1000);
    expect(at(1000)).to.equal(undefined);
    expect(at(1001)?.status).to.equal(413);
  });
});
