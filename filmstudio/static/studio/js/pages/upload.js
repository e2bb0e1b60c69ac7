// Upload a video with tus (resumable): a progress bar, pause and resume, and resume after a
// reload (../tus.js remembers each file's upload URL; choosing the same file again offers to
// continue where it stopped).
import * as api from "../api.js";
import { html, useEffect, useRef, useState } from "../lib.js";
import { navigate } from "../router.js";
import { TusUpload } from "../tus.js";
import { Button, ErrorNotice, Field, Notice, Page, ProgressBar, bytes, fieldError, useLoad } from "../ui.js";

// 4 MiB a request: small enough that a broken connection loses little and any proxy's body
// limit is met, large enough that a big file is not thousands of requests.
const CHUNK_SIZE = 4 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000];

export function Upload() {
  const categories = useLoad(() => api.get("/categories", { auth: false }), []);
  const [file, setFile] = useState(null);
  const [form, setForm] = useState({ title: "", description: "", category: "" });
  const [previous, setPrevious] = useState(null); // an earlier, unfinished upload of this file
  const [progress, setProgress] = useState(null); // {sent, total}
  const [state, setState] = useState("idle"); // idle | uploading | paused | done
  const [error, setError] = useState(null);
  const upload = useRef(null);
  const videoId = useRef(null);

  useEffect(() => () => upload.current?.abort(), []);

  const makeUpload = (chosen) =>
    new TusUpload(chosen, {
      endpoint: new URL(`${api.API}/uploads`, location.origin).href,
      chunkSize: CHUNK_SIZE,
      retryDelays: RETRY_DELAYS,
      metadata: {
        title: form.title || chosen.name,
        filename: chosen.name,
        filetype: chosen.type,
        description: form.description,
        ...(form.category ? { category_id: form.category } : {}),
      },
      onProgress: (sent, total) => setProgress({ sent, total }),
      onResponse: (response) => {
        const id = response.headers.get("video-id");
        if (id) videoId.current = id;
      },
      onError: (err) => {
        setError(err);
        setState("paused");
      },
      onSuccess: () => {
        setState("done");
        if (videoId.current) navigate(`/library/${videoId.current}`);
      },
    });

  const choose = async (event) => {
    const chosen = event.target.files[0] || null;
    setFile(chosen);
    setPrevious(null);
    setProgress(null);
    setError(null);
    setState("idle");
    if (!chosen) return;
    setForm((f) => ({ ...f, title: f.title || chosen.name.replace(/\.[^.]+$/, "") }));
    upload.current = makeUpload(chosen);
    const earlier = await upload.current.findPreviousUploads();
    if (earlier.length) setPrevious(earlier[0]);
  };

  const startNew = () => {
    setError(null);
    if (!form.title.trim()) {
      setError(new api.ApiError(400, { detail: "Give the video a title.", errors: { title: ["This field is required."] } }));
      return;
    }
    upload.current = makeUpload(file); // the title and category as they are now
    setPrevious(null);
    setState("uploading");
    upload.current.start();
  };
  const resumePrevious = () => {
    setError(null);
    upload.current.resumeFromPreviousUpload(previous);
    setPrevious(null);
    setState("uploading");
    upload.current.start();
  };
  const pause = () => {
    upload.current.abort();
    setState("paused");
  };
  const resume = () => {
    setError(null);
    setState("uploading");
    upload.current.start();
  };

  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const percent = progress ? Math.floor((progress.sent / progress.total) * 100) : 0;
  const options = [["", "No category"], ...(categories.data || []).map((c) => [String(c.id), c.name])];

  return html`<${Page} title="Upload a video">
    <div class="card">
      <${Field} label="Video file" name="file" type="file" accept="video/*" onChange=${choose}
        disabled=${state === "uploading"} hint="MP4, MOV, MKV, WebM… It is checked and made ready for streaming after the upload." />
      <${Field} label="Title" name="title" value=${form.title} onInput=${set("title")} required
        disabled=${state !== "idle"} error=${fieldError(error, "title")} />
      <${Field} label="Description" name="description" as="textarea" rows="3" value=${form.description}
        onInput=${set("description")} disabled=${state !== "idle"} />
      <${Field} label="Category" name="category" as="select" options=${options} value=${form.category}
        onChange=${set("category")} disabled=${state !== "idle"} error=${fieldError(error, "category_id")} />
      <${ErrorNotice} error=${error} fields=${["title", "category_id"]} />
      ${previous &&
      state === "idle" &&
      html`<${Notice}>
        You started uploading this file on ${new Date(previous.creationTime).toLocaleString()}.
        Resume it, or start again from the beginning.
      <//>`}
      ${progress &&
      html`<div class="upload-progress">
        <${ProgressBar} id="upload-progress" value=${percent} label="Upload progress" />
        <p role="status" id="upload-status">
          ${state === "done" ? "Uploaded. Preparing the video…" : `${bytes(progress.sent)} of ${bytes(progress.total)} sent`}
          ${state === "paused" ? " · paused" : ""}
        </p>
      </div>`}
      <div class="button-row">
        ${file && state === "idle" && previous && html`<${Button} onClick=${resumePrevious}>Resume the upload<//>`}
        ${file && state === "idle" &&
        html`<${Button} kind=${previous ? "secondary" : "primary"} onClick=${startNew}>
          ${previous ? "Start again" : "Upload"}
        <//>`}
        ${state === "uploading" && html`<${Button} kind="secondary" onClick=${pause}>Pause<//>`}
        ${state === "paused" && html`<${Button} onClick=${resume}>Resume<//>`}
      </div>
    </div>
  <//>`;
}
