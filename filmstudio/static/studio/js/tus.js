// A small tus 1.0 client (creation, HEAD for the offset, PATCH chunks) for the API's
// /uploads endpoint. Its requests go through api.request, so they carry the access token,
// refresh it on a 401 and fail with the API's error shape like every other call. It replaces
// tus-js-client, whose 87 KB bundle was most of the studio's JavaScript.
//
// Resuming after a reload: each file's upload URL is kept in localStorage under a fingerprint
// (name, size, last modification, endpoint), so choosing the same file again finds it.
import * as api from "./api.js";

const TUS = { "tus-resumable": "1.0.0" };
const STORE = "filmstudio.tus::";

function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Worth another try: the network dropped, or the server was busy or locked the upload.
const retryable = (error) =>
  error instanceof api.ApiError && (error.status === 0 || error.status === 409 || error.status === 423 || error.status >= 500);

export class TusUpload {
  /** options: endpoint, chunkSize, retryDelays, metadata, onProgress(sent, total),
   * onResponse(response), onError(ApiError), onSuccess(). */
  constructor(file, options) {
    this.file = file;
    this.options = options;
    this.url = null;
    this.controller = null;
    this.fingerprint = `${STORE}${file.name}::${file.size}::${file.lastModified}::${options.endpoint}`;
  }

  /** Earlier unfinished uploads of this file: [{uploadUrl, creationTime}]. */
  async findPreviousUploads() {
    const stored = localStorage.getItem(this.fingerprint);
    return stored ? [JSON.parse(stored)] : [];
  }

  resumeFromPreviousUpload(previous) {
    this.url = previous.uploadUrl;
  }

  abort() {
    this.controller?.abort();
  }

  async send(url, method, headers = {}, body = undefined) {
    const response = await api.request(url, {
      method,
      headers: { ...TUS, ...headers },
      body,
      signal: this.controller.signal,
      raw: true,
    });
    this.options.onResponse?.(response);
    return response;
  }

  async create() {
    const metadata = Object.entries(this.options.metadata || {})
      .map(([key, value]) => `${key} ${base64(String(value))}`)
      .join(",");
    const response = await this.send(this.options.endpoint, "POST", {
      "upload-length": String(this.file.size),
      "upload-metadata": metadata,
    });
    this.url = new URL(response.headers.get("location"), this.options.endpoint).href;
    localStorage.setItem(this.fingerprint, JSON.stringify({ uploadUrl: this.url, creationTime: new Date().toISOString() }));
    return 0;
  }

  /** Where the server's copy ends (a new upload when the old one is gone). */
  async offset() {
    if (!this.url) return this.create();
    try {
      return Number((await this.send(this.url, "HEAD")).headers.get("upload-offset"));
    } catch (error) {
      if (error.status !== 404 && error.status !== 410) throw error;
      localStorage.removeItem(this.fingerprint);
      this.url = null;
      return this.create();
    }
  }

  async start() {
    const { chunkSize, retryDelays = [], onProgress, onError, onSuccess } = this.options;
    const total = this.file.size;
    this.controller = new AbortController();
    let failures = 0;
    for (;;) {
      try {
        let offset = await this.offset();
        onProgress?.(offset, total);
        while (offset < total) {
          const chunk = this.file.slice(offset, offset + chunkSize);
          const response = await this.send(
            this.url,
            "PATCH",
            { "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
            chunk,
          );
          offset = Number(response.headers.get("upload-offset"));
          failures = 0;
          onProgress?.(offset, total);
        }
        localStorage.removeItem(this.fingerprint);
        onSuccess?.();
        return;
      } catch (error) {
        if (error.name === "AbortError") return; // paused, or the page is going away
        if (!retryable(error) || failures >= retryDelays.length) {
          onError?.(error);
          return;
        }
        await sleep(retryDelays[failures++]); // then ask the server where it stands
      }
    }
  }
}
