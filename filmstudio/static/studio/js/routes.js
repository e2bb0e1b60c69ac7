// Every page of the studio. The first path segment of each must be one of the sections the
// server serves the studio at (filmstudio/studio.py SECTIONS). Page modules load on demand.
const auth = () => import("./pages/auth.js");
const account = () => import("./pages/account.js");
const projects = () => import("./pages/projects.js");
const project = () => import("./pages/project.js");
const library = () => import("./pages/library.js");
const upload = () => import("./pages/upload.js");
const credits = () => import("./pages/credits.js");
const plans = () => import("./pages/plans.js");
const youtube = () => import("./pages/youtube.js");

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
  { path: "/credits/plans", module: "plans", load: plans, view: "Plans" },
  { path: "/youtube", module: "youtube", load: youtube, view: "YouTube" },
  // Google's redirect URI (settings.YOUTUBE_REDIRECT_URI).
  { path: "/youtube/callback", module: "youtube", load: youtube, view: "YouTubeCallback" },
];
