// A project: the screenplay editor with its live breakdown, the film's settings (look, where
// pictures and voices come from, captions), the cost of a render, the render itself (live),
// and the film.
import * as api from "../api.js";
import { html, useEffect, useRef, useState } from "../lib.js";
import { navigate } from "../router.js";
import {
  Button,
  ErrorNotice,
  Field,
  Loading,
  NotFoundPage,
  Page,
  StatusBadge,
  duration,
  fieldError,
  plural,
  useAction,
  useLoad,
} from "../ui.js";
import { JobPanel } from "./render.js";
import { FilmPanel } from "./watch.js";

const EDITABLE = [
  "title",
  "description",
  "script",
  "style",
  "aspect_ratio",
  "frame_rate",
  "picture_source",
  "voice_source",
  "captions",
];
const ASPECTS = [
  ["16:9", "16:9 landscape (1920×1080)"],
  ["9:16", "9:16 portrait (1080×1920)"],
  ["1:1", "1:1 square (1080×1080)"],
];
const FRAME_RATES = [
  ["24", "24 fps (film)"],
  ["25", "25 fps"],
  ["30", "30 fps"],
];
// The API's choices (projects.models.Project); a source the site has no key or model for is
// made by the offline engine, and the hints say so.
const PICTURE_SOURCES = [
  ["default", "The site's default"],
  ["drawn", "Drawn scenery (offline)"],
  ["stock", "Stock photos by keyword"],
  ["ai", "Generated images (Stable Diffusion or OpenAI)"],
];
const VOICE_SOURCES = [
  ["default", "The site's default"],
  ["local", "Piper (offline)"],
  ["openai", "OpenAI voices"],
  ["elevenlabs", "ElevenLabs voices"],
];
const CAPTIONS = [
  ["all", "Narration and dialogue"],
  ["dialogue", "Dialogue only"],
];
const ANALYSE_DELAY_MS = 400;

const pick = (project) => Object.fromEntries(EDITABLE.map((name) => [name, project[name]]));

/** The screenplay's breakdown, asked of the API a moment after the typing stops. */
function useAnalysis(script) {
  const [state, setState] = useState({ breakdown: null, error: null, busy: false });
  useEffect(() => {
    if (script === null) return undefined;
    const controller = new AbortController();
    setState((s) => ({ ...s, busy: true }));
    const timer = setTimeout(() => {
      api.post("/scripts/analyse", { script }, { signal: controller.signal }).then(
        (breakdown) => setState({ breakdown, error: null, busy: false }),
        (error) => error.name !== "AbortError" && setState({ breakdown: null, error, busy: false }),
      );
    }, ANALYSE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [script]);
  return state;
}

function Breakdown({ analysis }) {
  const { breakdown, error, busy } = analysis;
  return html`<section class="card breakdown" aria-labelledby="breakdown-heading" aria-busy=${busy ? "true" : "false"}>
    <h2 id="breakdown-heading">Breakdown</h2>
    ${error && error.errors?.script && html`<p class="muted">Fix the screenplay to see its breakdown.</p>`}
    ${error && !error.errors?.script && html`<${ErrorNotice} error=${error} />`}
    ${!error && !breakdown && html`<${Loading} label="Reading the screenplay…" />`}
    ${breakdown &&
    html`<dl class="stats">
        <div><dt>Scenes</dt><dd id="stat-scenes">${breakdown.scenes.length}</dd></div>
        <div><dt>Shots</dt><dd id="stat-shots">${breakdown.shots}</dd></div>
        <div><dt>Lines</dt><dd>${breakdown.lines}</dd></div>
        <div><dt>Duration</dt><dd id="stat-duration">≈ ${duration(breakdown.estimated_seconds)}</dd></div>
      </dl>
      <p><strong>Characters:</strong> ${breakdown.characters.length ? breakdown.characters.join(", ") : "only the narrator"}</p>
      <ol class="scene-list">
        ${breakdown.scenes.map(
          (scene) => html`<li>
            <span class="scene-heading">${scene.heading || "Untitled scene"}</span>
            <small>${plural(scene.shots, "shot")} · ${plural(scene.lines, "line")}</small>
          </li>`,
        )}
      </ol>`}
  </section>`;
}

function Cost({ estimate, dirty }) {
  if (estimate.error) return html`<${ErrorNotice} error=${estimate.error} fields=${["script"]} />`;
  if (!estimate.data) return html`<${Loading} label="Pricing the render…" />`;
  const { cost, balance, can_pay: canPay } = estimate.data;
  return html`<div class="cost" id="cost" aria-live="polite">
    <p><strong>${cost} credits</strong> for this render · you have ${balance}.</p>
    ${dirty && html`<p class="muted">Rendering saves your edits first.</p>`}
    ${!canPay && html`<p class="field-error">Not enough credits for this render. <a href="/credits">See your credits</a></p>`}
  </div>`;
}

export function ProjectPage({ id }) {
  const project = useLoad(() => api.get(`/projects/${id}`), [id]);
  const [form, setForm] = useState(null);
  const [saved, setSaved] = useState(null);
  const [jobKey, setJobKey] = useState(0); // bump to reload the render and film panels
  const [estimateKey, setEstimateKey] = useState(0);
  const save = useAction();
  const start = useAction();
  const removal = useAction();
  const renderKey = useRef(null);

  useEffect(() => {
    if (project.data) {
      setForm(pick(project.data));
      setSaved(pick(project.data));
    }
  }, [project.data]);

  const analysis = useAnalysis(form ? form.script : null);
  // The price of rendering the screenplay as it is in the editor, saved or not.
  const pricedScript = analysis.breakdown && form ? form.script : null;
  const estimate = useLoad(
    () =>
      api.post("/jobs/estimate", {
        project: Number(id),
        type: "full_generation",
        ...(pricedScript !== null && pricedScript !== saved?.script ? { script: pricedScript } : {}),
      }),
    [id, estimateKey, pricedScript],
  );

  if (project.error?.status === 404) return html`<${NotFoundPage} what="project" />`;
  if (project.error) return html`<${Page} title="Project"><${ErrorNotice} error=${project.error} /><//>`;
  if (!form) return html`<${Page} title="Project"><${Loading} /><//>`;

  const dirty = EDITABLE.some((name) => String(form[name]) !== String(saved[name]));
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const persist = async () => {
    if (!dirty) return project.data;
    const updated = await api.patch(`/projects/${id}`, { ...form, frame_rate: Number(form.frame_rate) });
    project.setData(updated);
    setEstimateKey((n) => n + 1);
    return updated;
  };
  const onSave = (event) => {
    event.preventDefault();
    save.run(persist);
  };
  const onRender = () =>
    start.run(async () => {
      const current = await persist();
      // One key per click: a double click or a retried request starts one render, paid once.
      renderKey.current ??= crypto.randomUUID();
      const headers = { "idempotency-key": renderKey.current };
      const hasFilm = current.status === "completed";
      if (hasFilm) await api.post(`/projects/${id}/regenerate`, undefined, { headers });
      else await api.post("/jobs", { project: Number(id), type: "full_generation" }, { headers });
      renderKey.current = null;
      project.setData({ ...current, status: "generating" });
      setJobKey((n) => n + 1);
      setEstimateKey((n) => n + 1);
    });
  const onDelete = () => {
    if (!window.confirm(`Delete “${saved.title}” and its films? This cannot be undone.`)) return;
    removal.run(async () => {
      await api.del(`/projects/${id}`);
      navigate("/projects");
    });
  };
  const onJobChange = (job) => {
    if (["completed", "failed", "cancelled"].includes(job.status)) {
      project.reload();
      setEstimateKey((n) => n + 1);
    }
  };
  // The API's word on the screenplay goes under the editor; other failures of the live
  // analysis (throttled, offline) are shown in the breakdown panel.
  const scriptError =
    fieldError(start.error, "script") || fieldError(save.error, "script") || fieldError(analysis.error, "script");
  const status = project.data.status;

  return html`<${Page} title=${saved.title} heading=${saved.title} wide
    actions=${html`<${StatusBadge} status=${status} />`}>
    <form class="project-layout" onSubmit=${onSave} novalidate>
      <div class="editor-column">
        <div class="card">
          <${ErrorNotice} error=${save.error} fields=${EDITABLE} />
          <${Field} label="Title" name="title" value=${form.title} onInput=${set("title")}
            error=${fieldError(save.error, "title")} />
          <${Field} label="Screenplay (Fountain or prose)" name="script" as="textarea" rows="18"
            class="script" spellcheck="false" value=${form.script} onInput=${set("script")}
            hint="Scene headings (INT. KITCHEN - NIGHT), CHARACTER names before their lines, or plain prose."
            error=${scriptError} />
          <${Field} label="Description" name="description" as="textarea" rows="2"
            value=${form.description} onInput=${set("description")}
            error=${fieldError(save.error, "description")} />
        </div>
      </div>
      <div class="side-column">
        <${Breakdown} analysis=${analysis} />
        <section class="card" aria-labelledby="look-heading">
          <h2 id="look-heading">Look and sound</h2>
          <${Field} label="Style" name="style" value=${form.style} onInput=${set("style")}
            hint="A few words: noir, watercolour, documentary…" error=${fieldError(save.error, "style")} />
          <${Field} label="Aspect ratio" name="aspect_ratio" as="select" options=${ASPECTS}
            value=${form.aspect_ratio} onChange=${set("aspect_ratio")}
            error=${fieldError(save.error, "aspect_ratio")} />
          <${Field} label="Frame rate" name="frame_rate" as="select" options=${FRAME_RATES}
            value=${String(form.frame_rate)} onChange=${set("frame_rate")}
            error=${fieldError(save.error, "frame_rate")} />
          <${Field} label="Pictures" name="picture_source" as="select" options=${PICTURE_SOURCES}
            value=${form.picture_source} onChange=${set("picture_source")}
            hint="Without the key or model a source needs, the scenery is drawn offline."
            error=${fieldError(save.error, "picture_source")} />
          <${Field} label="Voices" name="voice_source" as="select" options=${VOICE_SOURCES}
            value=${form.voice_source} onChange=${set("voice_source")}
            hint="Without the key a service needs, the offline Piper voices speak."
            error=${fieldError(save.error, "voice_source")} />
          <${Field} label="Captions" name="captions" as="select" options=${CAPTIONS}
            value=${form.captions} onChange=${set("captions")}
            hint="Dialogue only keeps the narrator out of the captions."
            error=${fieldError(save.error, "captions")} />
          <div class="button-row">
            <${Button} type="submit" kind="secondary" busy=${save.busy} disabled=${!dirty}>
              ${dirty ? "Save changes" : "Saved"}
            <//>
          </div>
        </section>
        <section class="card" aria-labelledby="render-heading">
          <h2 id="render-heading">Render</h2>
          <${Cost} estimate=${estimate} dirty=${dirty} />
          <${ErrorNotice} error=${start.error} fields=${["script"]} />
          <${Button} busy=${start.busy} disabled=${status === "generating"} onClick=${onRender}>
            ${status === "completed" ? "Render again" : "Render the film"}
          <//>
        </section>
      </div>
    </form>
    <${JobPanel} key=${`job-${jobKey}`} projectId=${id} onChange=${onJobChange} />
    <${FilmPanel} key=${`film-${jobKey}-${status}`} project=${project.data} />
    <section class="card danger" aria-labelledby="danger-heading">
      <h2 id="danger-heading">Delete</h2>
      <${ErrorNotice} error=${removal.error} />
      <${Button} kind="danger" busy=${removal.busy} onClick=${onDelete}>Delete this project<//>
    </section>
  <//>`;
}
