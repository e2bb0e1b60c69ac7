// The project's latest render, live: its state, the progress of every stage and its events,
// streamed from /jobs/{id}/events (Server-Sent Events read with fetch, so the access token
// travels in the Authorization header, never in a URL). Cancel, retry.
import * as api from "../api.js";
import { html, useEffect, useState } from "../lib.js";
import { Button, ErrorNotice, ProgressBar, date, useAction, words } from "../ui.js";

export const TERMINAL = ["completed", "failed", "cancelled"];
const LOG_SIZE = 50;

// What the job is doing when no stage runs; while one runs, its label says it.
const STATUS_TEXT = {
  pending: "Waiting to start",
  validating: "Checking the screenplay",
  queued: "Waiting for a free worker",
  completed: "Finished",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** How far (0-100) each stage is: the API gives every stage its share of the progress bar. */
function stagePercent(job, index) {
  if (job.status === "completed") return 100;
  const current = job.stages.findIndex((stage) => stage.name === job.current_stage);
  if (index < current) return 100;
  if (index > current || current < 0) return 0;
  const start = job.stages.slice(0, index).reduce((sum, stage) => sum + stage.share, 0);
  const done = (job.progress / 100 - start) / job.stages[index].share;
  return Math.max(0, Math.min(100, Math.round(done * 100)));
}

/** Which shots this render drew and animated anew (the rest came from the render cache). */
function reRendered(job) {
  const stages = job.result?.stages || {};
  const images = stages.image_generation;
  if (!images || !Array.isArray(images.rendered_shots)) return null;
  const rendered = new Set([...images.rendered_shots, ...(stages.video_generation?.rendered_shots || [])]);
  return { shots: [...rendered].sort((a, b) => a - b), total: images.images };
}

function ReRendered({ job }) {
  const info = reRendered(job);
  if (!info) return null;
  const { shots, total } = info;
  const numbers = shots.map((n) => n + 1).join(", ");
  return html`<p id="rerendered">
    ${shots.length === 0
      ? `Nothing changed since the last render: all ${total} shots came from the cache.`
      : shots.length === total
        ? `All ${total} shots were rendered.`
        : `Re-rendered shot${shots.length === 1 ? "" : "s"} ${numbers} of ${total}; the other ${total - shots.length} came from the cache.`}
  </p>`;
}

export function JobPanel({ projectId, onChange }) {
  const [job, setJob] = useState(null);
  const [events, setEvents] = useState([]);
  const [loadError, setLoadError] = useState(null);
  const [streamError, setStreamError] = useState(null);
  const action = useAction();

  // The stream follows a job from a live detail until its `end` event, whatever states the
  // events announce meanwhile (the last state comes before `end`, which brings the result).
  const [following, setFollowing] = useState(null); // {id, after} while a stream is wanted

  const show = (detail) => {
    setJob(detail);
    setEvents(detail ? detail.events.slice(-LOG_SIZE) : []);
    const live = detail && !TERMINAL.includes(detail.status);
    setFollowing(live ? { id: detail.id, after: detail.events.at(-1)?.id ?? null } : null);
  };

  useEffect(() => {
    api
      .get(`/jobs${api.query({ project: projectId, type: "full_generation", page_size: 1 })}`)
      .then((page) => (page.results[0] ? api.get(`/jobs/${page.results[0].id}`) : null))
      .then(show, setLoadError);
  }, [projectId]);

  useEffect(() => {
    if (!following) return undefined;
    const controller = new AbortController();
    setStreamError(null);
    api
      .stream(`/jobs/${following.id}/events`, {
        signal: controller.signal,
        after: following.after,
        onEvent: ({ type, data }) => {
          if (type === "end") {
            api.get(`/jobs/${following.id}`).then((detail) => {
              show(detail);
              onChange?.(detail);
            }, setStreamError);
            return;
          }
          setEvents((list) => [...list, data].slice(-LOG_SIZE));
          setJob((current) => ({
            ...current,
            status: data.to_status,
            current_stage: data.stage || current.current_stage,
            // A finished job is 100% (its last event may still say where the stage was).
            progress: data.to_status === "completed" ? 100 : Math.max(current.progress, data.progress ?? 0),
          }));
        },
      })
      .catch((error) => !controller.signal.aborted && setStreamError(error));
    return () => controller.abort();
  }, [following]);

  const live = job !== null && !TERMINAL.includes(job.status);

  if (loadError) return html`<${ErrorNotice} error=${loadError} />`;
  if (!job) return null;

  const act = (path) =>
    action.run(async () => {
      const detail = await api.post(`/jobs/${job.id}/${path}`);
      show(detail);
      onChange?.(detail);
    });
  const running = job.stages.find((stage) => stage.name === job.current_stage);
  const statusText = STATUS_TEXT[job.status] || running?.label || words(job.status);

  return html`<section class="card job" aria-labelledby="job-heading" id="job">
    <h2 id="job-heading">Render #${job.id}</h2>
    <p class="job-status" role="status" id="job-status">
      <strong>${statusText}</strong>${live ? ` · ${job.progress}%` : ""}
      <small> · started ${date(job.created_at)} · ${job.cost} credits</small>
    </p>
    <${ProgressBar} id="job-progress" value=${job.progress} label="Render progress" />
    <ol class="stages" aria-label="Stages">
      ${job.stages.map((stage, index) => {
        const percent = stagePercent(job, index);
        const state = percent === 100 ? "done" : stage.name === job.current_stage && live ? "running" : "waiting";
        return html`<li class=${`stage ${state}`}>
          <span class="stage-name">${stage.label}</span>
          <progress max="100" value=${percent} aria-label=${`${stage.label}: ${percent}%`}></progress>
          <span class="stage-value">${state === "waiting" ? "waiting" : `${percent}%`}</span>
        </li>`;
      })}
    </ol>
    ${job.status === "failed" &&
    html`<${ErrorNotice} error=${{ detail: job.error_message || "The render failed.", code: job.error_code }} />`}
    ${job.status === "completed" && html`<${ReRendered} job=${job} />`}
    <${ErrorNotice} error=${action.error || streamError} />
    <div class="button-row">
      ${live && html`<${Button} kind="secondary" busy=${action.busy} onClick=${() => act("cancel")}>Cancel render<//>`}
      ${job.status === "failed" && html`<${Button} busy=${action.busy} onClick=${() => act("retry")}>Retry<//>`}
    </div>
    <details class="events">
      <summary>Events (${events.length})</summary>
      <ol class="log">
        ${events.map(
          (event) => html`<li key=${event.id}>
            <time datetime=${event.at}>${new Date(event.at).toLocaleTimeString()}</time>
            ${event.message || `${words(event.from_status) || "new"} → ${words(event.to_status)}`}
          </li>`,
        )}
      </ol>
    </details>
  </section>`;
}
