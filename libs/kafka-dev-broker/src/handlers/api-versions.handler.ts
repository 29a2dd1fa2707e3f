import { Writer } from '../protocol/codec.js';
import { API_VERSIONS_FLEXIBLE_VERSION, SUPPORTED_APIS } from '../protocol/api-keys.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './request-context.js';

/**
 * ApiVersions. v0-v2 classic; v3 (librdkafka's first request on every connection) flexible: compact array, tagged
 * fields, but still response header v0. Any other version gets the v0-format body with UNSUPPORTED_VERSION and the
 * list, as Kafka answers, so the client retries with a version it finds there.
 */
export function handleApiVersions(context: RequestContext): Writer {
  const { apiVersion } = context;
  const writer = new Writer();
  if (apiVersion === API_VERSIONS_FLEXIBLE_VERSION) {
    // The body (client software name and version) carries nothing the broker needs; it is not parsed.
    writer.int16(ErrorCode.NONE).unsignedVarint(SUPPORTED_APIS.length + 1);
    for (const api of SUPPORTED_APIS) writer.int16(api.apiKey).int16(api.minVersion).int16(api.maxVersion).unsignedVarint(0);
    return writer.int32(0).unsignedVarint(0);
  }
  const supported = apiVersion >= 0 && apiVersion < API_VERSIONS_FLEXIBLE_VERSION;
  writer.int16(supported ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_VERSION);
  writer.array(SUPPORTED_APIS, (w, api) => w.int16(api.apiKey).int16(api.minVersion).int16(api.maxVersion));
  if (supported && apiVersion >= 1) writer.int32(0);
  return writer;
}
