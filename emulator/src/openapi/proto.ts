// The protobuf messages wx-server-sdk 4.0.2 exchanges for `wx.openApi` (field numbers copied from the
// SDK's generated src/protobuf/openapi.js), built with protobufjs reflection so both sides agree.
import protobuf from 'protobufjs';

const root = protobuf.Root.fromJSON({
  nested: {
    KeyValuePair: {
      fields: {
        key: { type: 'string', id: 1 },
        value: { type: 'bytes', id: 2 },
        contenttype: { type: 'string', id: 3 },
        filename: { type: 'string', id: 4 },
      },
    },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    SvrkitApiData: { fields: { apiName: { type: 'string', id: 1 }, reqData: { type: 'bytes', id: 2 } } },
    CommApiData: {
      fields: {
        apiType: { type: 'int32', id: 1 },
        openapiData: { type: 'OpenApiData', id: 2 },
        // id 3 (InnerApiData) and 5 (TokenApiData) are not used by the APIs the emulator serves.
        svrkitData: { type: 'SvrkitApiData', id: 4 },
        appid: { type: 'string', id: 6 },
      },
    },
    HttpHeader: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    CommOpenApiResp: {
      fields: {
        respData: { type: 'bytes', id: 1 },
        contentType: { type: 'string', id: 2 },
        errorCode: { type: 'int32', id: 3 },
        httpCode: { type: 'uint32', id: 4 },
        headers: { rule: 'repeated', type: 'HttpHeader', id: 5 },
        svrkitErrorCode: { type: 'int32', id: 6 },
      },
    },
    ApiGetOpenDataByCloudIdReq: {
      fields: { cloudidList: { rule: 'repeated', type: 'string', id: 2 }, appid: { type: 'string', id: 3 } },
    },
    OpDataItem: { fields: { cloudId: { type: 'string', id: 1 }, json: { type: 'string', id: 2 } } },
    ApiGetOpenDataByCloudIdResp: { fields: { dataList: { rule: 'repeated', type: 'OpDataItem', id: 1 } } },
  },
});

const CommApiData = root.lookupType('CommApiData');
const CommOpenApiResp = root.lookupType('CommOpenApiResp');
const GetOpenDataReq = root.lookupType('ApiGetOpenDataByCloudIdReq');
const GetOpenDataResp = root.lookupType('ApiGetOpenDataByCloudIdResp');

/** CommApiData.ApiType values. */
export const API_TYPE_OPEN_API = 0;
export const API_TYPE_SVRKIT_API = 2;

export interface DecodedCommApiData {
  apiType: number;
  /** OPEN_API: each argument's key and its JSON-encoded value (or raw media bytes). */
  pairs: { key: string; value: Buffer; contentType?: string; filename?: string }[];
  svrkit?: { apiName: string; reqData: Buffer };
  appid?: string;
}

interface RawPair {
  key?: string;
  value?: Uint8Array;
  contenttype?: string;
  filename?: string;
}
interface RawComm {
  apiType?: number;
  openapiData?: { pairs?: RawPair[] };
  svrkitData?: { apiName?: string; reqData?: Uint8Array };
  appid?: string;
}

export function decodeCommApiData(buf: Buffer): DecodedCommApiData {
  const msg = CommApiData.toObject(CommApiData.decode(buf), { defaults: false }) as RawComm;
  return {
    apiType: msg.apiType ?? API_TYPE_OPEN_API,
    pairs: (msg.openapiData?.pairs ?? []).map((p) => ({
      key: p.key ?? '',
      value: Buffer.from(p.value ?? new Uint8Array()),
      ...(p.contenttype ? { contentType: p.contenttype } : {}),
      ...(p.filename ? { filename: p.filename } : {}),
    })),
    ...(msg.svrkitData ? { svrkit: { apiName: msg.svrkitData.apiName ?? '', reqData: Buffer.from(msg.svrkitData.reqData ?? new Uint8Array()) } } : {}),
    ...(msg.appid ? { appid: msg.appid } : {}),
  };
}

export function encodeCommOpenApiResp(resp: { respData: Buffer; contentType: string; errorCode?: number; svrkitErrorCode?: number }): Buffer {
  const msg = CommOpenApiResp.fromObject({
    respData: resp.respData,
    contentType: resp.contentType,
    errorCode: resp.errorCode ?? 0,
    httpCode: 200,
    svrkitErrorCode: resp.svrkitErrorCode ?? 0,
  });
  return Buffer.from(CommOpenApiResp.encode(msg).finish());
}

export function decodeGetOpenDataReq(buf: Buffer): { cloudidList: string[] } {
  const msg = GetOpenDataReq.toObject(GetOpenDataReq.decode(buf), { arrays: true }) as { cloudidList: string[] };
  return { cloudidList: msg.cloudidList };
}

export function encodeGetOpenDataResp(items: { cloudId: string; json: string }[]): Buffer {
  return Buffer.from(GetOpenDataResp.encode(GetOpenDataResp.fromObject({ dataList: items })).finish());
}
