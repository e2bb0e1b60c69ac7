// The media library: browse by category, search, sort and watch; edit and delete my videos.
import * as api from "../api.js";
import { html, useEffect, useRef, useState } from "../lib.js";
import { navigate, useLocation } from "../router.js";
import {
  Button,
  ErrorNotice,
  Field,
  Loading,
  NotFoundPage,
  Page,
  Pager,
  StatusBadge,
  date,
  duration,
  fieldError,
  plural,
  useAction,
  useLoad,
  useSession,
} from "../ui.js";

const PAGE_SIZE = 12;
const SORTS = [
  ["newest", "Newest first", { sort_by: "created_at", order: "desc" }],
  ["oldest", "Oldest first", { sort_by: "created_at", order: "asc" }],
  ["popular", "Most viewed", { sort_by: "view_count", order: "desc" }],
];
const PROCESSING_POLL_MS = 2000;

const useCategories = () => useLoad(() => api.get("/categories", { auth: false }), []);

function VideoCard({ video }) {
  return html`<li class="video-card">
    <a href=${`/library/${video.id}`}>
      ${video.thumbnail_url
        ? html`<img src=${video.thumbnail_url} alt="" loading="lazy" width="320" height="180" />`
        : html`<div class="thumb-placeholder" aria-hidden="true">▶</div>`}
      <span class="card-title">${video.title}</span>
    </a>
    <p class="card-meta">
      ${video.status !== "completed" && html`<${StatusBadge} status=${video.status} />`}
      <span>${video.uploaded_by?.name || "Someone"}</span>
      <span>${plural(video.view_count, "view")}</span>
      ${video.duration && html`<span>${duration(video.duration)}</span>`}
    </p>
  </li>`;
}

export function Library() {
  const { params } = useLocation();
  const { user } = useSession();
  const categories = useCategories();
  const filters = {
    q: params.get("q") || "",
    category: params.get("category") || "",
    sort: params.get("sort") || "newest",
    mine: params.get("mine") === "1",
    page: Number(params.get("page")) || 1,
  };
  const [search, setSearch] = useState(filters.q);
  const sort = SORTS.find(([key]) => key === filters.sort) || SORTS[0];
  const list = useLoad(
    () =>
      api.get(
        `/videos${api.query({
          search: filters.q,
          category_id: filters.category,
          uploaded_by: filters.mine && user ? user.id : "",
          ...sort[2],
          page: filters.page,
          page_size: PAGE_SIZE,
        })}`,
        { auth: Boolean(user) },
      ),
    [location.search, user?.id],
  );
  const go = (changes) => {
    const next = { ...filters, page: 1, ...changes };
    navigate(
      `/library${api.query({
        q: next.q,
        category: next.category,
        sort: next.sort === "newest" ? "" : next.sort,
        mine: next.mine ? "1" : "",
        page: next.page > 1 ? next.page : "",
      })}`,
    );
  };
  const categoryOptions = [["", "All categories"], ...(categories.data || []).map((c) => [String(c.id), c.name])];
  const actions = user && html`<a class="button primary" href="/library/upload">Upload a video</a>`;
  return html`<${Page} title="Library" actions=${actions} wide>
    <form class="filters" role="search" aria-label="Videos" onSubmit=${(e) => {
      e.preventDefault();
      go({ q: search.trim() });
    }}>
      <${Field} label="Search" name="q" type="search" value=${search} onInput=${(e) => setSearch(e.target.value)}
        error=${fieldError(list.error, "search")} />
      <${Field} label="Category" name="category" as="select" options=${categoryOptions}
        value=${filters.category} onChange=${(e) => go({ category: e.target.value })} />
      <${Field} label="Sort by" name="sort" as="select" options=${SORTS.map(([k, label]) => [k, label])}
        value=${filters.sort} onChange=${(e) => go({ sort: e.target.value })} />
      ${user &&
      html`<div class="field check">
        <input type="checkbox" id="mine" checked=${filters.mine} onChange=${(e) => go({ mine: e.target.checked })} />
        <label for="mine">Only my videos</label>
      </div>`}
      <${Button} type="submit" kind="secondary">Search<//>
    </form>
    <${ErrorNotice} error=${list.error || categories.error} fields=${["search"]} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data?.results.length === 0 && html`<p class="empty">No video matches.</p>`}
    ${list.data?.results.length > 0 &&
    html`<ul class="card-grid" aria-label="Videos">
      ${list.data.results.map((video) => html`<${VideoCard} key=${video.id} video=${video} />`)}
    </ul>`}
    ${list.data &&
    html`<${Pager} page=${filters.page} count=${list.data.count} pageSize=${PAGE_SIZE}
      onPage=${(page) => go({ page })} label="Library pages" />`}
  <//>`;
}

function EditVideo({ video, onSaved }) {
  const categories = useCategories();
  const [form, setForm] = useState({
    title: video.title,
    description: video.description,
    category: video.category ? String(video.category.id) : "",
  });
  const save = useAction();
  const removal = useAction();
  const set = (name) => (event) => setForm({ ...form, [name]: event.target.value });
  const submit = (event) => {
    event.preventDefault();
    save.run(async () => {
      onSaved(
        await api.patch(`/videos/${video.id}`, {
          ...form,
          category: form.category ? Number(form.category) : null,
        }),
      );
    });
  };
  const remove = () => {
    if (!window.confirm(`Delete “${video.title}”? This cannot be undone.`)) return;
    removal.run(async () => {
      await api.del(`/videos/${video.id}`);
      navigate("/library?mine=1");
    });
  };
  const options = [["", "No category"], ...(categories.data || []).map((c) => [String(c.id), c.name])];
  return html`<section class="card" aria-labelledby="edit-heading">
    <h2 id="edit-heading">Edit</h2>
    <form onSubmit=${submit} novalidate>
      <${ErrorNotice} error=${save.error} fields=${["title", "description", "category"]} />
      <${Field} label="Title" name="title" value=${form.title} onInput=${set("title")}
        error=${fieldError(save.error, "title")} />
      <${Field} label="Description" name="description" as="textarea" rows="3" value=${form.description}
        onInput=${set("description")} error=${fieldError(save.error, "description")} />
      <${Field} label="Category" name="category" as="select" options=${options} value=${form.category}
        onChange=${set("category")} error=${fieldError(save.error, "category")} />
      <div class="button-row">
        <${Button} type="submit" busy=${save.busy}>Save<//>
        <${Button} kind="danger" busy=${removal.busy} onClick=${remove}>Delete video<//>
      </div>
      <${ErrorNotice} error=${removal.error} />
    </form>
  </section>`;
}

export function VideoPage({ id }) {
  const { user } = useSession();
  const { data: video, error, reload, setData } = useLoad(
    () => api.get(`/videos/${id}`, { auth: Boolean(user) }),
    [id, user?.id],
  );
  const counted = useRef(false);
  const [views, setViews] = useState(null);

  const ready = video?.status === "completed";
  useEffect(() => {
    if (!video || ready || video.status === "failed") return undefined;
    const timer = setTimeout(reload, PROCESSING_POLL_MS); // processing: look again shortly
    return () => clearTimeout(timer);
  }, [video]);

  if (error?.status === 404) return html`<${NotFoundPage} what="video" />`;
  if (error) return html`<${Page} title="Video"><${ErrorNotice} error=${error} /><//>`;
  if (!video) return html`<${Page} title="Video"><${Loading} /><//>`;

  const onPlay = () => {
    if (counted.current) return;
    counted.current = true;
    api.post(`/videos/${id}/view`, undefined, { auth: Boolean(user) }).then((r) => setViews(r.view_count), () => {});
  };
  const mine = user && (video.uploaded_by?.id === user.id || user.role === "admin");
  return html`<${Page} title=${video.title} wide>
    ${ready
      ? html`<figure class="player">
          <video id="video-player" controls preload="metadata" playsinline src=${video.stream_url}
            poster=${video.thumbnail_url || undefined} onPlay=${onPlay} aria-label=${video.title}></video>
        </figure>`
      : video.status === "failed"
        ? html`<${ErrorNotice} error=${{ detail: video.error || "This video could not be processed." }} />`
        : html`<div class="notice info" role="status" id="video-processing">
            <span class="spinner" aria-hidden="true"></span> Preparing the video for streaming (${video.status})…
          </div>`}
    <p class="card-meta">
      <span>${video.uploaded_by?.name || "Someone"}</span>
      <span>${plural(views ?? video.view_count, "view")}</span>
      <span>${date(video.created_at)}</span>
      ${video.category && html`<a href=${`/library?category=${video.category.id}`}>${video.category.name}</a>`}
    </p>
    ${video.description && html`<p class="description">${video.description}</p>`}
    ${mine && html`<${EditVideo} video=${video} onSaved=${setData} />`}
  <//>`;
}
