// Every page of the studio. The first path segment of each must be one of the sections the
// server serves the studio at (filmstudio/studio.py SECTIONS). Page modules load on demand.
//
// Places kept for the pages still to build:
//   /credits/plans      plans and credit packs, Stripe Checkout, the subscription and the
//                       billing portal (/api/v1/subscriptions/..., /billing/...) — from /credits
//   /account/youtube    connect a YouTube channel (/api/v1/youtube/...) — linked from /account
//   a "YouTube" panel on /projects/:id to publish the film there and follow the upload job
const auth = () => import("./pages/auth.js");
const account = () => import("./pages/account.js");
const projects = () => import("./pages/projects.js");
const project = () => import("./pages/project.js");
const library = () => import("./pages/library.js");
const upload = () => import("./pages/upload.js");
const credits = () => import("./pages/credits.js");

export const routes = [
  { path: "/", public: true, redirect: (user) => (user ? "/projects" : "/signin") },
  { path: "/signin", public: true, module: "auth", load: auth, view: "SignIn" },
  { path: "/signup", public: true, module: "auth", load: auth, view: "SignUp" },
  { path: "/forgot-password", public: true, module: "auth", load: auth, view: "ForgotPassword" },
  { path: "/reset-password", public: true, module: "auth", load: auth, view: "ResetPassword" },
  { path: "/login/callback", public: true, module: "auth", load: auth, view: "SocialCallback" },
  { path: "/login/error", public: true, module: "auth", load: auth, view: "SocialError" },
  { path: "/account", module: "account", load: account, view: "Account" },
  { path: "/projects", module: "projects", load: projects, view: "ProjectList" },
  { path: "/projects/new", module: "projects", load: projects, view: "NewProject" },
  { path: "/projects/:id", module: "project", load: project, view: "ProjectPage" },
  { path: "/library", public: true, module: "library", load: library, view: "Library" },
  { path: "/library/upload", module: "upload", load: upload, view: "Upload" },
  { path: "/library/:id", public: true, module: "library", load: library, view: "VideoPage" },
  { path: "/credits", module: "credits", load: credits, view: "Credits" },
];
