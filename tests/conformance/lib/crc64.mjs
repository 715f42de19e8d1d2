// Azure Storage's CRC-64 as the SDK computes it (@azure/storage-common), for x-ms-content-crc64.
import { StorageCRC64Calculator } from "@azure/storage-common";

export async function crc64(bytes) {
  await StorageCRC64Calculator.init();
  return new StorageCRC64Calculator().final(bytes, bytes.length);
}
