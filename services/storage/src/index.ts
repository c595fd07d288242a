export { createStorageService, type StorageService, type StorageServiceOptions } from "./service.ts";
export {
  createShopperBlobs,
  isExpired,
  type SaveShopperBlobInput,
  SHOPPER_BLOB_KINDS,
  type ShopperBlobKind,
  type ShopperBlobs,
  shopperBlobKey,
} from "./shopper-blobs.ts";
