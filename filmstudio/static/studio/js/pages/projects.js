// The creator's projects, and a new one.
import * as api from "../api.js";
import { html, useState } from "../lib.js";
import { navigate } from "../router.js";
import {
  Button,
  ErrorNotice,
  Field,
  Loading,
  Page,
  Pager,
  StatusBadge,
  date,
  fieldError,
  useAction,
  useLoad,
} from "../ui.js";

const PAGE_SIZE = 12;

// Short on purpose: a first render takes seconds, not minutes.
export const EXAMPLE_SCRIPT = `Title: The Night Ferry

EXT. HARBOUR - NIGHT

Fog rolls over the black water. A single lamp swings above the pier.

ANNA
Is this the last ferry home?

CAPTAIN
The last one tonight. Climb aboard.
`;

function ProjectCard({ project }) {
  return html`<li class="project-card">
    <a href=${`/projects/${project.id}`}>
      ${project.thumbnail_url
        ? html`<img src=${project.thumbnail_url} alt="" loading="lazy" width="320" height="180" />`
        : html`<div class="thumb-placeholder" aria-hidden="true">▶</div>`}
      <span class="card-title">${project.title}</span>
    </a>
    <p class="card-meta">
      <${StatusBadge} status=${project.status} />
      <span>${project.aspect_ratio} · ${project.frame_rate} fps</span>
    </p>
    <p class="card-meta"><small>Updated ${date(project.updated_at)}</small></p>
  </li>`;
}

export function ProjectList() {
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(
    () => api.get(`/projects${api.query({ page, page_size: PAGE_SIZE, ordering: "-updated_at" })}`),
    [page],
  );
  const actions = html`<a class="button primary" href="/projects/new">New project</a>`;
  return html`<${Page} title="Your projects" actions=${actions} wide>
    <${ErrorNotice} error=${error} />
    ${!data && !error && html`<${Loading} />`}
    ${data?.results.length === 0 &&
    html`<div class="empty card">
      <p>No project yet. A project holds a screenplay and the films made from it.</p>
      <p><a class="button primary" href="/projects/new">Write your first screenplay</a></p>
    </div>`}
    ${data?.results.length > 0 &&
    html`<ul class="card-grid" aria-label="Projects">
      ${data.results.map((project) => html`<${ProjectCard} key=${project.id} project=${project} />`)}
    </ul>`}
    ${data && html`<${Pager} page=${page} count=${data.count} pageSize=${PAGE_SIZE} onPage=${setPage} label="Project pages" />`}
  <//>`;
}

export function NewProject() {
  const [form, setForm] = useState({ title: "", description: "", script: "" });
  const { busy, error, run } = useAction();
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const useExample = () =>
    setForm({ ...form, title: form.title || "The Night Ferry", script: EXAMPLE_SCRIPT });
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const project = await api.post("/projects", form);
      navigate(`/projects/${project.id}`);
    });
  };
  return html`<${Page} title="New project">
    <form class="card" onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${error} fields=${["title", "description", "script"]} />
      <${Field} label="Title" name="title" required value=${form.title} onInput=${set("title")}
        error=${fieldError(error, "title")} />
      <${Field} label="Description" name="description" as="textarea" rows="2"
        value=${form.description} onInput=${set("description")}
        error=${fieldError(error, "description")} />
      <${Field} label="Screenplay (Fountain or prose)" name="script" as="textarea" rows="12"
        class="script" value=${form.script} onInput=${set("script")} spellcheck="false"
        hint="You can also write it on the project page, with a live breakdown."
        error=${fieldError(error, "script")} />
      <div class="button-row">
        <${Button} type="submit" busy=${busy}>Create project<//>
        <${Button} kind="secondary" onClick=${useExample}>Use the example screenplay<//>
      </div>
    </form>
  <//>`;
}
