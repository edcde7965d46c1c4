// Reading a checkpoint's QR code, offline: the Barcode Detection API as the
// `barcode-detector` ponyfill (ZXing compiled to WASM), its WASM served from the app itself
// (and so precached by the service worker) instead of a CDN.
import { BarcodeDetector, prepareZXingModule } from "barcode-detector/ponyfill";
import readerUrl from "zxing-wasm/reader/zxing_reader.wasm?url";

prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? readerUrl : prefix + path),
  },
});

let detector: BarcodeDetector | null = null;

/** The text of the first QR code in `image`, or null when there is none. */
export async function readQr(image: ImageBitmapSource): Promise<string | null> {
  detector ??= new BarcodeDetector({ formats: ["qr_code"] });
  const found = await detector.detect(image);
  return found[0]?.rawValue ?? null;
}
