/*!
 * servicedesk customer chat widget.
 *
 * Embed on any page with one tag:
 *   <script src="https://shop.example/static/chatbot/widget.js"
 *           data-servicedesk-url="https://shop.example" data-lang="en"
 *           data-shop-name="Harbor Lane" defer></script>
 *
 * Vanilla JavaScript, no dependencies, no build step. Speaks the protocol in docs/protocol.md.
 * CSP-friendly: no inline styles in markup, no eval, and every piece of text that comes from the
 * server or the visitor is set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------------------
  // UI strings: every visible or announced string lives here, in every language we speak. The widget
  // keeps its own table rather than Django's JavaScript catalogue (which the desk uses): it is
  // embedded on other sites, where no catalogue is loaded, and picks its language itself
  // (data-lang, which the shop's pages set to theirs, else the browser's; see pickLang).
  // ---------------------------------------------------------------------------------------------
  const STRINGS = {
    en: {
      defaultShop: "our shop",
      launcher: "Chat with us",
      unreadOne: "1 new message",
      unreadMany: "{n} new messages",
      dialog: "Chat with {shop}",
      dialogNoShop: "Chat with our shop",
      title: "{shop} assistant",
      titleNoShop: "Our shop assistant",
      statusOnline: "Online",
      statusConnecting: "Connecting…",
      statusReconnecting: "Reconnecting…",
      statusOffline: "Offline",
      statusError: "Connection error",
      close: "Close chat",
      messages: "Conversation",
      inputLabel: "Your message",
      placeholder: "Type your message…",
      send: "Send",
      human: "Talk to a human",
      typing: "Assistant is typing…",
      roleCustomer: "You:",
      roleBot: "Assistant:",
      roleAgent: "Support team:",
      roleSystem: "Notice:",
      nameBot: "Assistant",
      nameAgent: "Support team",
      sending: "Sending…",
      notSent: "Not sent.",
      retry: "Retry",
      replyFailed: "Something went wrong with this reply",
      counter: "{n} / {max}",
      counterHint: "{n} of {max} characters used",
      quickReplies: "Suggested replies",
      confirm: "Your answer",
      products: "Suggested products",
      links: "Links",
      view: "View",
      jump: "New messages",
      dismiss: "Dismiss",
      greeting: "Hi! I'm the {shop} assistant. Ask me about orders, shipping, returns or products.",
      greetingNamed: "Hi {name}! I'm the {shop} assistant. Ask me about orders, shipping, returns or products.",
      greetingNoShop: "Hi! I'm the assistant for our shop. Ask me about orders, shipping, returns or products.",
      greetingNoShopNamed: "Hi {name}! I'm the assistant for our shop. Ask me about orders, shipping, returns or products.",
      chips: ["Where is my order?", "Return an item", "Shipping costs"],
      bannerRequested: "Asking someone from our team to join…",
      bannerQueued: "You're in the queue. A member of our team will be with you shortly. Meanwhile the assistant keeps answering here.",
      bannerQueuedNobody: "Nobody from our team is online right now. Leave a message below and we'll answer by email, or keep chatting with the assistant.",
      leaveQueue: "Carry on with the assistant",
      bannerAgent: "You're now chatting with our team.",
      bannerResolved: "This chat was resolved. Write below to continue it, or start a new one.",
      newConversation: "Start a new conversation",
      errRateLimited: "You're sending messages a little too fast. Please wait a moment and try again.",
      errTooLong: "That message is too long. Please keep it under {max} characters.",
      errEmpty: "Please type a message first.",
      errClosed: "This conversation has been closed. Start a new one to keep chatting.",
      errConnection: "We can't reach the chat right now. Please reload the page or try again later.",
      queuePosition: "You're number {n} in the queue · about {m} min",
      queuePositionNoEta: "You're number {n} in the queue",
      typingAgent: "{name} is typing…",
      offlineTitle: "Leave us a message",
      offlineIntro: "No one from our team is available right now. Leave your email and a message, and we'll reply by email.",
      offlineEmail: "Your email",
      offlineText: "Your message",
      offlineSend: "Send message",
      offlineSending: "Sending…",
      offlineThanks: "Thanks! We've got your message and will reply to {email}.",
      offlineBadEmail: "Please enter a valid email address.",
      offlineFailed: "We couldn't send your message. Please try again in a moment.",
      ratingTitle: "How did we do?",
      ratingStars: "Your rating",
      ratingStar: "{n} out of 5",
      ratingComment: "Anything you'd like to add? (optional)",
      ratingSend: "Send rating",
      ratingThanks: "Thanks for your feedback!",
    },
    "zh-Hans": {
      defaultShop: "本店",
      launcher: "在线咨询",
      unreadOne: "1 条新消息",
      unreadMany: "{n} 条新消息",
      dialog: "与 {shop} 在线交流",
      dialogNoShop: "与本店在线交流",
      title: "{shop} 智能助手",
      titleNoShop: "本店智能助手",
      statusOnline: "在线",
      statusConnecting: "正在连接…",
      statusReconnecting: "正在重新连接…",
      statusOffline: "离线",
      statusError: "连接出错",
      close: "关闭聊天窗口",
      messages: "对话记录",
      inputLabel: "输入消息",
      placeholder: "请输入您的问题…",
      send: "发送",
      human: "转人工客服",
      typing: "助手正在输入…",
      roleCustomer: "您：",
      roleBot: "智能助手：",
      roleAgent: "人工客服：",
      roleSystem: "系统通知：",
      nameBot: "智能助手",
      nameAgent: "人工客服",
      sending: "发送中…",
      notSent: "未发送。",
      retry: "重试",
      replyFailed: "此回复未能正常完成",
      counter: "{n} / {max}",
      counterHint: "已输入 {n} 个字符，最多 {max} 个",
      quickReplies: "推荐回复",
      confirm: "您的选择",
      products: "推荐商品",
      links: "相关链接",
      view: "查看",
      jump: "有新消息",
      dismiss: "关闭提示",
      greeting: "您好！我是 {shop} 的智能助手，订单、配送、退换货或商品方面的问题都可以问我。",
      greetingNamed: "{name}，您好！我是 {shop} 的智能助手，订单、配送、退换货或商品方面的问题都可以问我。",
      greetingNoShop: "您好！我是本店的智能助手，订单、配送、退换货或商品方面的问题都可以问我。",
      greetingNoShopNamed: "{name}，您好！我是本店的智能助手，订单、配送、退换货或商品方面的问题都可以问我。",
      chips: ["我的订单到哪儿了？", "我要退货", "运费是多少？"],
      bannerRequested: "正在为您联系人工客服…",
      bannerQueued: "您已进入排队，人工客服将尽快为您服务。排队期间，智能助手会继续为您解答。",
      bannerQueuedNobody: "目前没有人工客服在线。您可以在下方留言，我们会通过邮件回复您；也可以继续和智能助手聊。",
      leaveQueue: "继续与智能助手交流",
      bannerAgent: "您正在与人工客服交流。",
      bannerResolved: "此对话已解决。您可以在下方继续留言，或开始新的对话。",
      newConversation: "开始新的对话",
      errRateLimited: "您发送消息太快了，请稍等片刻再试。",
      errTooLong: "消息太长了，请控制在 {max} 个字符以内。",
      errEmpty: "请先输入消息内容。",
      errClosed: "此对话已结束，请开始新的对话继续咨询。",
      errConnection: "暂时无法连接在线客服，请刷新页面或稍后再试。",
      queuePosition: "您当前排在第 {n} 位 · 预计等待约 {m} 分钟",
      queuePositionNoEta: "您当前排在第 {n} 位",
      typingAgent: "{name} 正在输入…",
      offlineTitle: "给我们留言",
      offlineIntro: "目前没有客服在线。请留下您的电子邮箱和留言，我们会通过邮件回复您。",
      offlineEmail: "您的电子邮箱",
      offlineText: "留言内容",
      offlineSend: "提交留言",
      offlineSending: "正在提交…",
      offlineThanks: "谢谢！我们已收到您的留言，会回复到 {email}。",
      offlineBadEmail: "请输入有效的电子邮箱地址。",
      offlineFailed: "留言未能提交，请稍后再试。",
      ratingTitle: "请为本次服务评分",
      ratingStars: "您的评分",
      ratingStar: "{n} 星（满分 5 星）",
      ratingComment: "还有什么想告诉我们的吗？（选填）",
      ratingSend: "提交评分",
      ratingThanks: "感谢您的反馈！",
    },
  };

  // Quick-reply options that mean "hand me over to a person", in any language we speak.
  const HANDOFF_CHIPS = ["talk to a human", "转人工客服", "转人工", "人工客服", "联系人工客服"];

  const MAX_TEXT = 2000; // CHAT_MAX_TEXT
  const CONFIRM_ID = /^[A-Za-z0-9_-]{1,64}$/; // what the server accepts in action.confirm
  const COUNTER_FROM = 1800; // show the character counter from here on
  const MAX_STORED = 200; // messages kept in localStorage
  const PING_EVERY = 25000;
  const PING_WAITING = 3000; // while a reply is awaited: a lost `end` costs seconds, not forever
  const PONG_TIMEOUT = 10000;
  const SYNC_TIMEOUT = 5000; // a `sync` unanswered this long may be sent again
  const BACKOFF_BASE = 1000;
  const BACKOFF_MAX = 30000;
  const TOKEN_REUSE_MS = 8 * 60 * 1000; // tokens live 10 minutes; refresh a little earlier
  const STORE = "servicedesk:";
  const NOTICE_MS = 7000;

  if (window.ServiceDesk && window.ServiceDesk.__servicedesk) return; // embedded twice

  // ---------------------------------------------------------------------------------------------
  // Configuration from the script tag
  // ---------------------------------------------------------------------------------------------
  const script =
    document.currentScript ||
    document.querySelector("script[data-servicedesk-url]") ||
    document.querySelector('script[src*="chatbot/widget.js"]');
  const scriptSrc = (script && script.src) || location.href;
  const attr = (name) => (script && script.getAttribute(name)) || "";

  function parseBase(value) {
    try {
      const u = new URL(value || new URL(scriptSrc).origin, location.href);
      return u.origin + u.pathname.replace(/\/+$/, "");
    } catch (e) {
      return location.origin;
    }
  }
  const BASE = parseBase(attr("data-servicedesk-url").trim());
  const BASE_URL = new URL(BASE + "/");
  const SESSION_URL = BASE + "/chat/session/";
  const WS_URL =
    (BASE_URL.protocol === "https:" ? "wss://" : "ws://") +
    BASE_URL.host +
    BASE_URL.pathname.replace(/\/+$/, "") +
    "/ws/chat/";
  const CSS_URL = new URL("widget.css", scriptSrc).href;

  function pickLang(value) {
    const v = String(value || "").trim().toLowerCase();
    if (!v) return "";
    if (v.indexOf("zh") === 0) return "zh-Hans";
    if (v.indexOf("en") === 0) return "en";
    return "";
  }
  const LANG =
    pickLang(attr("data-lang")) ||
    pickLang((navigator.languages && navigator.languages[0]) || navigator.language) ||
    "en";
  const T = STRINGS[LANG];
  const SHOP_ATTR = attr("data-shop-name").trim();
  const SHOP = SHOP_ATTR || T.defaultShop;

  function fmt(s, vars) {
    return (
      String(s)
        .replace(/\{(\w+)\}/g, (m, k) =>
          vars && Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m
        )
        // Chinese puts a space between Han and Latin text, never between two Han characters
        // (a Chinese shop name in "{shop} 智能助手").
        .replace(/([\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])/g, "$1")
    );
  }
  const numberFmt = (n) => {
    try {
      return n.toLocaleString(LANG);
    } catch (e) {
      return String(n);
    }
  };

  // ---------------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------------
  function el(tag, cls, props) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (props) {
      for (const k in props) {
        if (!Object.prototype.hasOwnProperty.call(props, k)) continue;
        const v = props[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    return node;
  }

  const SVGNS = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: [
      "M21 11.5a8.4 8.4 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.4 8.4 0 0 1-3.8-.9L3 21l1.9-5.7a8.4 8.4 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.4 8.4 0 0 1 3.8-.9h.5a8.5 8.5 0 0 1 8 8v.5z",
    ],
    chevron: ["M6 9l6 6 6-6"],
    close: ["M18 6 6 18", "M6 6l12 12"],
    send: ["M12 19V5", "M5 12l7-7 7 7"],
    human: [
      "M3 18v-6a9 9 0 0 1 18 0v6",
      "M21 19a2 2 0 0 1-2 2h-1a2 2 0 0 1-2-2v-3a2 2 0 0 1 2-2h3zM3 19a2 2 0 0 0 2 2h1a2 2 0 0 0 2-2v-3a2 2 0 0 0-2-2H3z",
    ],
    warn: [
      "M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
      "M12 9v4",
      "M12 17h.01",
    ],
    down: ["M12 5v14", "M19 12l-7 7-7-7"],
  };
  function icon(name, extra) {
    const svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "sd-icon sd-icon-" + name + (extra ? " " + extra : ""));
    for (const d of ICONS[name]) {
      const p = document.createElementNS(SVGNS, "path");
      p.setAttribute("d", d);
      svg.appendChild(p);
    }
    return svg;
  }

  function uuid() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === "function") {
      try {
        return c.randomUUID();
      } catch (e) {
        /* insecure context: fall through */
      }
    }
    const b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // The server counts characters as Unicode code points (Python str), so do we.
  const cpLen = (s) => Array.from(s || "").length;

  // The same normalisation the server applies before its checks (§2.1).
  function normalise(s) {
    let t = String(s == null ? "" : s);
    if (t.normalize) t = t.normalize("NFC");
    // eslint-disable-next-line no-control-regex
    t = t.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, "");
    return t.trim();
  }

  const TERMINAL = { final: true, failed: true };
  const isTerminal = (m) => !!(m && TERMINAL[m.state]);

  function safeUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      const u = new URL(value, BASE_URL);
      if (u.protocol === "https:" || u.protocol === "http:") return u.href;
    } catch (e) {
      /* not a URL */
    }
    return null; // javascript:, data: and friends never reach an href or src
  }

  // localStorage that never throws (private modes, disabled storage, quota).
  const store = {
    get(key) {
      try {
        return window.localStorage.getItem(STORE + key);
      } catch (e) {
        return null;
      }
    },
    set(key, value) {
      try {
        if (value === null || value === undefined) window.localStorage.removeItem(STORE + key);
        else window.localStorage.setItem(STORE + key, value);
      } catch (e) {
        /* ignore */
      }
    },
  };

  function readCookie(name) {
    const parts = document.cookie ? document.cookie.split(";") : [];
    for (const part of parts) {
      const i = part.indexOf("=");
      if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
    }
    return "";
  }

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  const state = {
    conversation: store.get("conversation") || null,
    status: "bot", // bot, queued, agent, resolved
    customer: null,
    messages: [], // stored messages ordered by seq, then local pending ones (seq null)
    typing: false,
    open: false,
    unread: 0,
    handoffRequested: false,
    queue: null, // {position, eta_s} while queued, from the `status` event
    available: true, // false: no agent can take the chat now; offer the offline form
    typingName: "", // an agent's name while they type
    rated: false, // the customer rated this (resolved) conversation
    offlineSentTo: "", // the email an offline message went out with
  };
  // The handoff's details survive a reload, for the conversation they belong to.
  (function loadDesk() {
    let d = null;
    try {
      d = JSON.parse(store.get("desk") || "null");
    } catch (e) {
      d = null;
    }
    if (!d || typeof d !== "object" || !d.conversation || d.conversation !== state.conversation) return;
    state.available = d.available !== false;
    state.rated = d.rated === true;
    state.offlineSentTo = typeof d.offlineSentTo === "string" ? d.offlineSentTo : "";
  })();
  (function loadMessages() {
    let list = [];
    try {
      list = JSON.parse(store.get("messages") || "[]");
    } catch (e) {
      list = [];
    }
    if (!Array.isArray(list)) list = [];
    for (const m of list) {
      if (!m || typeof m !== "object" || typeof m.text !== "string") continue;
      if (typeof m.seq === "number" && m.seq > 0) state.messages.push(m);
      else if (m.client_id && m.role === "customer" && m.state === "sending") state.messages.push(m);
    }
    sortMessages();
  })();

  let token = null;
  let tokenAt = 0;
  let ws = null;
  let welcomed = false;
  let connecting = false;
  let everWelcomed = false;
  let stopped = false;
  let active = !!(store.get("resume") || state.messages.length); // connect on load?
  let attempts = 0; // reconnect attempts since the last welcome
  let failures = 0; // consecutive failed connection attempts
  let reconnectTimer = null;
  let pingTimer = null;
  let pingOn = false; // the heartbeat runs (between a welcome and the socket's end)
  let lastPingAt = 0;
  const pongTimers = new Set(); // one dead-socket check per ping in flight
  let pongsDue = 0; // pongs the server still owes on this socket: one per ping and per sync
  let syncPong = 0; // > 0: a sync is outstanding and its pong is this many pongs away
  let syncAt = 0; // when that sync went out
  let heartbeat = false; // this server's pongs carry last_seq/settled_seq (so it answers `sync`)
  let behindPongs = 0; // pongs in a row that showed more than we hold
  let syncWanted = false; // a sync to send as soon as we may (the server's abilities known, or
  // the outstanding sync answered: it may have been read before what we found missing)
  let lastFrameAt = 0;
  let handoffPending = false; // a handoff to send after the next welcome
  let ratePending = null; // a rate frame to send after the next welcome
  let saveTimer = null;
  let sessionPromise = null;

  function sortMessages() {
    state.messages.sort((a, b) => {
      const as = typeof a.seq === "number" ? a.seq : Infinity;
      const bs = typeof b.seq === "number" ? b.seq : Infinity;
      if (as !== bs) return as - bs;
      return String(a.created_at || "").localeCompare(String(b.created_at || ""));
    });
  }
  const bySeq = (seq) => state.messages.find((m) => m.seq === seq);
  const byClientId = (id) => state.messages.find((m) => m.client_id && m.client_id === id);

  // Highest seq such that everything up to it is settled: a reply that was still streaming (or
  // anything after it) is replayed by the server.
  function lastSeq() {
    let last = 0;
    for (const m of state.messages) {
      if (typeof m.seq !== "number") continue;
      // Seqs have no holes on the server: a hole here is a message whose every frame was lost.
      // (Older history trimmed from storage only shortens the start, which is fine.)
      if (!isTerminal(m) || (last && m.seq !== last + 1)) break;
      last = m.seq;
    }
    return last;
  }
  function maxSeq() {
    let max = 0;
    for (const m of state.messages) if (typeof m.seq === "number" && m.seq > max) max = m.seq;
    return max;
  }

  // Waiting for the server: a reply is streaming, or the assistant owes the newest stored customer
  // message a reply (nothing settled after it yet). The heartbeat runs fast meanwhile.
  function awaiting() {
    let asked = 0;
    for (const m of state.messages) {
      if (m.state === "streaming") return true;
      if (typeof m.seq === "number" && m.role === "customer" && m.seq > asked) asked = m.seq;
    }
    if (state.status !== "bot" || !asked) return false;
    return !state.messages.some((m) => typeof m.seq === "number" && m.seq > asked && m.role !== "customer" && isTerminal(m));
  }

  function persistNow() {
    clearTimeout(saveTimer);
    saveTimer = null;
    const keep = state.messages
      .filter((m) => typeof m.seq === "number" || m.state === "sending")
      .slice(-MAX_STORED)
      .map(publicCopy);
    store.set("messages", JSON.stringify(keep));
    store.set("conversation", state.conversation);
    store.set(
      "desk",
      JSON.stringify({
        conversation: state.conversation,
        available: state.available,
        rated: state.rated,
        offlineSentTo: state.offlineSentTo,
      })
    );
  }
  function persist() {
    if (!saveTimer) saveTimer = setTimeout(persistNow, 400);
  }

  function publicCopy(m) {
    const out = {};
    for (const k in m) if (Object.prototype.hasOwnProperty.call(m, k) && k.charAt(0) !== "_") out[k] = m[k];
    if (Array.isArray(out.attachments)) out.attachments = JSON.parse(JSON.stringify(out.attachments));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // DOM
  // ---------------------------------------------------------------------------------------------
  const ids = {
    panel: "sd-panel-" + Math.random().toString(36).slice(2, 8),
  };
  ids.title = ids.panel + "-title";
  ids.status = ids.panel + "-status";
  ids.input = ids.panel + "-input";
  ids.counter = ids.panel + "-counter";
  ids.unread = ids.panel + "-unread";

  const root = el("div", "sd-root", { lang: LANG, "data-servicedesk": "", hidden: true });

  // Launcher
  const launcher = el("button", "sd-launcher", {
    type: "button",
    "aria-label": T.launcher,
    "aria-expanded": "false",
    "aria-controls": ids.panel,
    "aria-describedby": ids.unread,
    "data-testid": "sd-launcher",
  });
  launcher.appendChild(icon("chat", "sd-launcher-open"));
  launcher.appendChild(icon("chevron", "sd-launcher-close"));
  const unreadBadge = el("span", "sd-unread", { id: ids.unread, hidden: true });
  launcher.appendChild(unreadBadge);

  // Panel
  const panel = el("div", "sd-panel", {
    id: ids.panel,
    role: "dialog",
    "aria-label": SHOP_ATTR ? fmt(T.dialog, { shop: SHOP }) : T.dialogNoShop,
    "aria-describedby": ids.status,
    hidden: true,
    "data-testid": "sd-panel",
  });

  const header = el("div", "sd-header");
  const avatar = el("div", "sd-avatar", { "aria-hidden": "true" });
  const initials = SHOP_ATTR
    ? SHOP_ATTR.split(/\s+/)
        .filter(Boolean)
        .slice(0, 2)
        .map((w) => Array.from(w)[0].toLocaleUpperCase())
        .join("")
    : "";
  if (initials) avatar.textContent = initials;
  else avatar.appendChild(icon("chat"));
  const heading = el("div", "sd-heading");
  const title = el("h2", "sd-title", { id: ids.title, text: SHOP_ATTR ? fmt(T.title, { shop: SHOP }) : T.titleNoShop });
  const statusLine = el("p", "sd-status", { id: ids.status, "data-state": "connecting" });
  const statusDot = el("span", "sd-status-dot", { "aria-hidden": "true" });
  const statusText = el("span", "sd-status-text", { text: T.statusConnecting });
  statusLine.appendChild(statusDot);
  statusLine.appendChild(statusText);
  heading.appendChild(title);
  heading.appendChild(statusLine);
  const closeBtn = el("button", "sd-icon-button sd-close", { type: "button", "aria-label": T.close });
  closeBtn.appendChild(icon("close"));
  header.appendChild(avatar);
  header.appendChild(heading);
  header.appendChild(closeBtn);

  const banner = el("div", "sd-banner", { role: "status", hidden: true });
  const bannerText = el("span", "sd-banner-text");
  const queueLine = el("span", "sd-queue", { "data-testid": "sd-queue", hidden: true });
  const bannerButton = el("button", "sd-banner-button", { type: "button", hidden: true, text: T.newConversation });
  // While queued: stop waiting for a person and go on with the assistant.
  const leaveButton = el("button", "sd-banner-button", { type: "button", hidden: true, text: T.leaveQueue, "data-testid": "sd-leave-queue" });
  leaveButton.addEventListener("click", () => {
    if (sendFrame({ type: "leave_queue" })) leaveButton.disabled = true;
  });
  banner.appendChild(bannerText);
  banner.appendChild(queueLine);
  banner.appendChild(bannerButton);
  banner.appendChild(leaveButton);

  const body = el("div", "sd-body");
  const scroller = el("div", "sd-scroll");
  const greeting = el("div", "sd-msg sd-msg--bot sd-msg--first sd-greeting");
  const greetingLabel = el("span", "sd-vh", { text: T.roleBot });
  const greetingName = el("div", "sd-sender", { "aria-hidden": "true", text: T.nameBot });
  const greetingBubble = el("div", "sd-bubble", { "data-testid": "sd-greeting" });
  const greetingChips = el("div", "sd-chips", { role: "group", "aria-label": T.quickReplies });
  for (const c of T.chips) greetingChips.appendChild(chip(c));
  greeting.appendChild(greetingLabel);
  greeting.appendChild(greetingName);
  greeting.appendChild(greetingBubble);
  greeting.appendChild(greetingChips);

  const log = el("div", "sd-log", {
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": T.messages,
    "data-testid": "sd-messages",
  });
  const typing = el("div", "sd-typing", { "data-testid": "sd-typing", hidden: true });
  const typingBubble = el("div", "sd-typing-bubble");
  for (let i = 0; i < 3; i++) typingBubble.appendChild(el("span", "sd-dot", { "aria-hidden": "true" }));
  const typingLabel = el("span", "sd-vh", { text: T.typing });
  typingBubble.appendChild(typingLabel);
  typing.appendChild(typingBubble);
  scroller.appendChild(greeting);
  scroller.appendChild(log);
  scroller.appendChild(typing);

  // Leave a message when no one from the team is available (POST /chat/offline/).
  ids.offline = ids.panel + "-offline";
  const offline = el("form", "sd-card sd-offline", {
    novalidate: true,
    hidden: true,
    "aria-labelledby": ids.offline,
    "data-testid": "sd-offline-form",
  });
  const offlineTitle = el("p", "sd-card-title", { id: ids.offline, text: T.offlineTitle });
  const offlineIntro = el("p", "sd-card-text", { text: T.offlineIntro });
  const offlineEmailLabel = el("label", "sd-field-label", { for: ids.offline + "-email", text: T.offlineEmail });
  const offlineEmail = el("input", "sd-field", {
    id: ids.offline + "-email",
    type: "email",
    autocomplete: "email",
    maxlength: "254",
    required: true,
    "data-testid": "sd-offline-email",
  });
  const offlineTextLabel = el("label", "sd-field-label", { for: ids.offline + "-text", text: T.offlineText });
  const offlineText = el("textarea", "sd-field sd-field--area", {
    id: ids.offline + "-text",
    rows: "3",
    required: true,
    "data-testid": "sd-offline-text",
  });
  const offlineError = el("p", "sd-card-error", { role: "alert", hidden: true });
  const offlineSend = el("button", "sd-card-button", { type: "submit", text: T.offlineSend, "data-testid": "sd-offline-send" });
  const offlineThanks = el("p", "sd-card-thanks", { role: "status", hidden: true, "data-testid": "sd-offline-thanks" });
  for (const n of [offlineTitle, offlineIntro, offlineEmailLabel, offlineEmail, offlineTextLabel, offlineText, offlineError, offlineSend, offlineThanks]) {
    offline.appendChild(n);
  }
  scroller.appendChild(offline);

  // Rate the chat once it is resolved (the `rate` frame).
  ids.rating = ids.panel + "-rating";
  const rating = el("form", "sd-card sd-rating", {
    novalidate: true,
    hidden: true,
    "aria-labelledby": ids.rating,
    "data-testid": "sd-rating",
  });
  const ratingTitle = el("p", "sd-card-title", { id: ids.rating, text: T.ratingTitle });
  const ratingStars = el("div", "sd-stars", { role: "group", "aria-label": T.ratingStars });
  const starButtons = [];
  for (let n = 1; n <= 5; n++) {
    const b = el("button", "sd-star", {
      type: "button",
      "aria-label": fmt(T.ratingStar, { n: n }),
      "aria-pressed": "false",
      "data-score": String(n),
      "data-testid": "sd-rating-star",
      text: "\u2605",
    });
    starButtons.push(b);
    ratingStars.appendChild(b);
  }
  const ratingCommentLabel = el("label", "sd-vh", { for: ids.rating + "-comment", text: T.ratingComment });
  const ratingComment = el("textarea", "sd-field sd-field--area", {
    id: ids.rating + "-comment",
    rows: "2",
    maxlength: "1000",
    placeholder: T.ratingComment,
    "data-testid": "sd-rating-comment",
  });
  const ratingSend = el("button", "sd-card-button", {
    type: "submit",
    disabled: true,
    text: T.ratingSend,
    "data-testid": "sd-rating-send",
  });
  const ratingThanks = el("p", "sd-card-thanks", { role: "status", hidden: true, text: T.ratingThanks, "data-testid": "sd-rating-thanks" });
  for (const n of [ratingTitle, ratingStars, ratingCommentLabel, ratingComment, ratingSend, ratingThanks]) rating.appendChild(n);
  scroller.appendChild(rating);

  const jump = el("button", "sd-jump", { type: "button", hidden: true });
  jump.appendChild(icon("down"));
  jump.appendChild(el("span", "", { text: T.jump }));
  body.appendChild(scroller);
  body.appendChild(jump);

  const notice = el("div", "sd-notice", { role: "alert", hidden: true });
  const noticeText = el("span", "sd-notice-text");
  const noticeClose = el("button", "sd-notice-close", { type: "button", "aria-label": T.dismiss });
  noticeClose.appendChild(icon("close"));
  notice.appendChild(icon("warn"));
  notice.appendChild(noticeText);
  notice.appendChild(noticeClose);

  const composer = el("form", "sd-composer", { novalidate: true });
  const inputRow = el("div", "sd-input-row");
  const label = el("label", "sd-vh", { for: ids.input, text: T.inputLabel });
  const input = el("textarea", "sd-input", {
    id: ids.input,
    rows: "1",
    placeholder: T.placeholder,
    autocomplete: "off",
    "aria-describedby": ids.counter,
    enterkeyhint: "send",
    "data-testid": "sd-input",
  });
  const sendBtn = el("button", "sd-send", {
    type: "submit",
    "aria-label": T.send,
    disabled: true,
    "data-testid": "sd-send",
  });
  sendBtn.appendChild(icon("send"));
  inputRow.appendChild(label);
  inputRow.appendChild(input);
  inputRow.appendChild(sendBtn);
  const footRow = el("div", "sd-foot");
  const humanBtn = el("button", "sd-human", { type: "button", "data-testid": "sd-human" });
  humanBtn.appendChild(icon("human"));
  humanBtn.appendChild(el("span", "", { text: T.human }));
  const counter = el("span", "sd-counter", { id: ids.counter, "data-state": "hidden" });
  const counterVisible = el("span", "sd-counter-visible", { "aria-hidden": "true" });
  const counterHint = el("span", "sd-vh");
  counter.appendChild(counterVisible);
  counter.appendChild(counterHint);
  footRow.appendChild(humanBtn);
  footRow.appendChild(counter);
  composer.appendChild(inputRow);
  composer.appendChild(footRow);

  panel.appendChild(header);
  panel.appendChild(banner);
  panel.appendChild(body);
  panel.appendChild(notice);
  panel.appendChild(composer);

  root.appendChild(panel);
  root.appendChild(launcher);

  // ---------------------------------------------------------------------------------------------
  // Rendering messages
  // ---------------------------------------------------------------------------------------------
  const nodes = new Map(); // message object -> its DOM node

  function chip(text) {
    const b = el("button", "sd-chip", { type: "button", text: text });
    b.addEventListener("click", () => {
      input.focus(); // the chips go away with the answer: don't leave focus on a removed button
      if (HANDOFF_CHIPS.indexOf(normalise(text).toLowerCase()) !== -1) requestHandoff();
      else sendText(text);
    });
    return b;
  }

  function roleOf(m) {
    return m.role === "customer" || m.role === "agent" || m.role === "system" ? m.role : "bot";
  }
  const ROLE_LABEL = { customer: T.roleCustomer, bot: T.roleBot, agent: T.roleAgent, system: T.roleSystem };
  const ROLE_NAME = { bot: T.nameBot, agent: T.nameAgent };

  function buildNode(m) {
    const role = roleOf(m);
    const item = el("div", "sd-msg sd-msg--" + role);
    item._sd = {
      label: el("span", "sd-vh", { text: ROLE_LABEL[role] }),
      sender: ROLE_NAME[role] ? el("div", "sd-sender", { "aria-hidden": "true", text: ROLE_NAME[role] }) : null,
      bubble: el("div", "sd-bubble", { "data-testid": "sd-message" }),
      text: el("span", "sd-text"),
      meta: el("div", "sd-meta"),
      extras: el("div", "sd-extras"),
      chips: null,
      confirms: [],
      renderedText: null,
      renderedAttachments: null,
    };
    const parts = item._sd;
    parts.bubble.appendChild(parts.text);
    item.appendChild(parts.label);
    if (parts.sender) item.appendChild(parts.sender);
    item.appendChild(parts.bubble);
    item.appendChild(parts.meta);
    item.appendChild(parts.extras);
    return item;
  }

  function timeTitle(m) {
    if (!m.created_at) return null;
    const d = new Date(m.created_at);
    if (isNaN(d.getTime())) return null;
    try {
      return d.toLocaleString(LANG, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return d.toLocaleString();
    }
  }

  function renderMessage(m) {
    let item = nodes.get(m);
    const isNew = !item;
    if (isNew) {
      item = buildNode(m);
      nodes.set(m, item);
    }
    const p = item._sd;
    const role = roleOf(m);
    const st = m.state || "final";
    if (role === "agent") {
      const name = m.agent_name || T.nameAgent;
      if (p.sender.textContent !== name) p.sender.textContent = name;
      p.label.textContent = m.agent_name ? name + " (" + T.nameAgent + "):" : T.roleAgent;
    }
    p.bubble.setAttribute("data-role", role);
    p.bubble.setAttribute("data-state", st);
    if (typeof m.seq === "number") p.bubble.setAttribute("data-seq", String(m.seq));
    else p.bubble.removeAttribute("data-seq");
    if (m.client_id) p.bubble.setAttribute("data-client-id", m.client_id);
    item.setAttribute("data-state", st);
    const t = timeTitle(m);
    if (t) p.bubble.setAttribute("title", t);

    if (p.renderedText !== m.text) {
      p.text.textContent = m.text; // never innerHTML: text is text
      p.renderedText = m.text;
    }
    const streaming = st === "streaming";
    item.classList.toggle("sd-msg--empty", streaming && !m.text);
    item.classList.toggle("sd-msg--streaming", streaming);
    if (streaming) item.setAttribute("aria-busy", "true");
    else item.removeAttribute("aria-busy");
    item.classList.toggle("sd-msg--failed", st === "failed");
    item.classList.toggle("sd-msg--sending", st === "sending");

    // Meta line: delivery state for the customer's messages, a warning for failed replies.
    p.meta.textContent = "";
    if (role === "customer" && st === "sending") {
      p.meta.textContent = T.sending;
    } else if (role === "customer" && st === "failed") {
      p.meta.appendChild(el("span", "", { text: T.notSent + " " }));
      if (m._retry) {
        const r = el("button", "sd-retry", { type: "button", text: T.retry });
        r.addEventListener("click", () => retry(m));
        p.meta.appendChild(r);
      }
    } else if (role !== "customer" && st === "failed") {
      p.meta.appendChild(icon("warn"));
      p.meta.appendChild(el("span", "", { text: T.replyFailed }));
    }
    p.meta.hidden = !p.meta.firstChild;

    // Attachments (products are rebuilt only when they change).
    const key = JSON.stringify(m.attachments || null);
    if (p.renderedAttachments !== key) {
      p.renderedAttachments = key;
      p.extras.textContent = "";
      p.chips = null;
      p.confirms = [];
      for (const a of Array.isArray(m.attachments) ? m.attachments : []) {
        if (!a || typeof a !== "object") continue;
        if (a.type === "products" && Array.isArray(a.items) && a.items.length) {
          p.extras.appendChild(productList(a.items));
        } else if (a.type === "links" && Array.isArray(a.items) && a.items.length) {
          const links = linkList(a.items);
          if (links.firstChild) p.extras.appendChild(links);
        } else if (a.type === "quick_replies" && Array.isArray(a.options) && a.options.length) {
          const group = el("div", "sd-chips", { role: "group", "aria-label": T.quickReplies });
          for (const o of a.options) if (typeof o === "string" && o.trim()) group.appendChild(chip(o));
          if (group.firstChild) {
            p.chips = group;
            p.extras.appendChild(group);
          }
        } else if (a.type === "confirm") {
          const group = confirmButtons(m, a);
          if (group) {
            p.confirms.push(group);
            p.extras.appendChild(group);
          }
        }
      }
      p.extras.hidden = !p.extras.firstChild;
    }

    if (isNew) insertNode(m, item);
    return item;
  }

  // A yes/no question from the bot. Answering sends the button's label as an ordinary message
  // plus an `action` naming the question, so the bot need not guess from the text (§2.1).
  function confirmButtons(m, a) {
    const yes = typeof a.yes === "string" ? normalise(a.yes) : "";
    const no = typeof a.no === "string" ? normalise(a.no) : "";
    if (typeof a.id !== "string" || !CONFIRM_ID.test(a.id) || !yes || !no) return null;
    const group = el("div", "sd-confirm", { role: "group", "aria-label": T.confirm });
    const answer = (value, label) => {
      const b = el("button", "sd-confirm-button sd-confirm-" + value, {
        type: "button",
        text: label,
        "data-testid": "sd-confirm-" + value,
      });
      b.addEventListener("click", () => {
        if (b.disabled || m._answered) return;
        m._answered = value;
        b.classList.add("sd-confirm-button--chosen");
        input.focus(); // the buttons disable with the answer: don't leave focus on one of them
        if (!sendText(label, { confirm: a.id, answer: value })) {
          m._answered = null; // not sent (a notice says why): the question is still open
          b.classList.remove("sd-confirm-button--chosen");
        }
        refreshLayout();
      });
      return b;
    };
    group.appendChild(answer("yes", yes));
    group.appendChild(answer("no", no));
    return group;
  }

  // Links the bot's answer came from or points to: a help article, a carrier's tracking page,
  // the page to pay an order placed in the chat.
  function linkList(items) {
    const list = el("ul", "sd-links", { "aria-label": T.links, "data-testid": "sd-links" });
    for (const it of items.slice(0, 4)) {
      if (!it || typeof it !== "object") continue;
      const href = safeUrl(it.url);
      const title = typeof it.title === "string" ? it.title : "";
      if (!href || !title) continue;
      const a = el("a", "sd-link", { href: href, text: title });
      if (new URL(href).origin !== location.origin) {
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
      }
      const li = el("li", "");
      li.appendChild(a);
      list.appendChild(li);
    }
    return list;
  }

  function productList(items) {
    const list = el("ul", "sd-products", { "aria-label": T.products });
    for (const it of items.slice(0, 12)) {
      if (!it || typeof it !== "object") continue;
      const name = typeof it.name === "string" ? it.name : "";
      const li = el("li", "sd-product");
      const media = el("div", "sd-product-media");
      const src = safeUrl(it.image);
      if (src) {
        const img = el("img", "sd-product-img", { src: src, alt: name, loading: "lazy", decoding: "async" });
        img.addEventListener("error", () => img.classList.add("sd-product-img--broken"));
        media.appendChild(img);
      }
      li.appendChild(media);
      const info = el("div", "sd-product-body");
      info.appendChild(el("p", "sd-product-name", { text: name }));
      if (it.price !== undefined && it.price !== null && it.price !== "") {
        info.appendChild(el("p", "sd-product-price", { text: String(it.price) }));
      }
      if (typeof it.reason === "string" && it.reason) {
        info.appendChild(el("p", "sd-product-reason", { text: it.reason }));
      }
      const href = safeUrl(it.url);
      if (href) {
        const a = el("a", "sd-product-link", { href: href, text: T.view });
        if (new URL(href).origin !== location.origin) {
          a.setAttribute("target", "_blank");
          a.setAttribute("rel", "noopener noreferrer");
        }
        info.appendChild(a);
      }
      li.appendChild(info);
      list.appendChild(li);
    }
    return list;
  }

  function insertNode(m, item) {
    const idx = state.messages.indexOf(m);
    let next = null;
    for (let i = idx + 1; i < state.messages.length; i++) {
      const n = nodes.get(state.messages[i]);
      if (n && n.parentNode === log) {
        next = n;
        break;
      }
    }
    log.insertBefore(item, next);
  }

  function removeMessage(m) {
    const i = state.messages.indexOf(m);
    if (i !== -1) state.messages.splice(i, 1);
    const n = nodes.get(m);
    if (n && n.parentNode) n.parentNode.removeChild(n);
    nodes.delete(m);
  }

  // Grouping, sender names, "quick replies only on the last message", the typing indicator.
  function refreshLayout() {
    let prevRole = "bot-greeting";
    const shown = state.messages.filter((m) => nodes.has(m));
    shown.forEach((m, i) => {
      const item = nodes.get(m);
      const role = roleOf(m);
      const hidden = item.classList.contains("sd-msg--empty");
      const first = role !== prevRole && !hidden;
      item.classList.toggle("sd-msg--first", first);
      if (!hidden) prevRole = role === "bot" ? "bot" : role;
      // Confirm buttons stay in view (they show what was asked) but only the newest, unanswered
      // question can be answered.
      const live = i === shown.length - 1 && !m._answered;
      for (const group of item._sd.confirms) {
        for (const b of group.children) b.disabled = !live;
      }
      const chips = item._sd.chips;
      if (chips) {
        chips.hidden = i !== shown.length - 1;
        const extras = item._sd.extras;
        extras.hidden = !Array.prototype.some.call(extras.children, (c) => !c.hidden);
      }
    });
    // The greeting shares the bot's first bubble look; a bot message right after it continues.
    if (shown.length) {
      const firstNode = nodes.get(shown[0]);
      if (roleOf(shown[0]) === "bot") firstNode.classList.remove("sd-msg--first");
    }
    greetingChips.hidden = shown.length > 0;
    const waiting =
      state.typing || state.messages.some((m) => m.state === "streaming" && !m.text && roleOf(m) === "bot");
    typing.hidden = !waiting;
  }

  function renderGreeting() {
    const name = state.customer && typeof state.customer.name === "string" ? state.customer.name.trim() : "";
    let text;
    if (SHOP_ATTR) text = fmt(name ? T.greetingNamed : T.greeting, { shop: SHOP, name: name });
    else text = fmt(name ? T.greetingNoShopNamed : T.greetingNoShop, { name: name });
    greetingBubble.textContent = text;
  }

  function renderAll() {
    for (const m of state.messages) renderMessage(m);
    refreshLayout();
  }

  // ---------------------------------------------------------------------------------------------
  // Scrolling
  // ---------------------------------------------------------------------------------------------
  let stick = true;
  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  }
  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    stick = true;
    jump.hidden = true;
  }
  scroller.addEventListener(
    "scroll",
    () => {
      stick = nearBottom();
      if (stick) jump.hidden = true;
    },
    { passive: true }
  );
  // Keep the newest message in view when the list's box changes size (a notice or banner
  // appears, the textarea grows, the phone keyboard opens, a product image loads).
  if (typeof ResizeObserver === "function") {
    const ro = new ResizeObserver(() => {
      if (stick && state.open) scroller.scrollTop = scroller.scrollHeight;
    });
    ro.observe(scroller);
    ro.observe(log);
  }
  jump.addEventListener("click", () => {
    scrollToBottom();
    input.focus();
  });
  // Call after anything that changes the content height.
  function afterContentChange(forceScroll) {
    if (forceScroll || stick) {
      scrollToBottom();
    } else if (state.open) {
      jump.hidden = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Header status, banner, notices, unread badge
  // ---------------------------------------------------------------------------------------------
  function renderStatus() {
    let s, text;
    if (stopped) (s = "error"), (text = T.statusError);
    else if (welcomed && navigator.onLine !== false) (s = "online"), (text = T.statusOnline);
    else if (navigator.onLine === false || failures >= 5) (s = "offline"), (text = T.statusOffline);
    else if (!active) (s = "online"), (text = T.statusOnline); // not needed yet: nothing is wrong
    else if (!everWelcomed && attempts === 0) (s = "connecting"), (text = T.statusConnecting);
    else (s = "reconnecting"), (text = T.statusReconnecting);
    statusLine.setAttribute("data-state", s);
    if (statusText.textContent !== text) statusText.textContent = text;
    root.setAttribute("data-connection", s);
  }

  function renderBanner() {
    let text = "";
    let kind = state.status;
    if (state.status === "queued") text = unavailable() ? T.bannerQueuedNobody : T.bannerQueued;
    else if (state.status === "agent") text = T.bannerAgent;
    else if (state.status === "resolved") text = T.bannerResolved;
    else if (state.handoffRequested) (text = T.bannerRequested), (kind = "requested");
    banner.hidden = !text;
    banner.setAttribute("data-status", kind);
    if (bannerText.textContent !== text) bannerText.textContent = text;
    bannerButton.hidden = state.status !== "resolved";
    leaveButton.hidden = state.status !== "queued" || !!state.offlineSentTo;
    if (leaveButton.hidden) leaveButton.disabled = false;
    // "You're number 2 in the queue · about 4 min", pushed live on every queue change.
    const q = state.status === "queued" && !unavailable() ? state.queue : null;
    let line = "";
    if (q && q.position > 0) {
      line =
        q.eta_s > 0
          ? fmt(T.queuePosition, { n: numberFmt(q.position), m: numberFmt(Math.max(1, Math.round(q.eta_s / 60))) })
          : fmt(T.queuePositionNoEta, { n: numberFmt(q.position) });
    }
    queueLine.hidden = !line;
    if (line) queueLine.setAttribute("data-position", String(q.position));
    else queueLine.removeAttribute("data-position");
    if (queueLine.textContent !== line) queueLine.textContent = line;
    renderCards();
  }

  // The offline form while no one can take the chat; the rating prompt once it is resolved.
  // No one can take the chat now: the server said so in the status (`available: false`) or in the
  // handoff message (an `offline_form` attachment).
  function unavailable() {
    if (!state.available) return true;
    for (let i = state.messages.length - 1; i >= 0; i--) {
      const m = state.messages[i];
      if (roleOf(m) === "customer") continue;
      const list = Array.isArray(m.attachments) ? m.attachments : [];
      if (list.some((a) => a && a.type === "offline_form")) return true;
      if (roleOf(m) === "system") return false; // a newer notice (an agent joined...) wins
    }
    return false;
  }

  function renderCards() {
    const offlineShown = !!state.offlineSentTo || (state.status === "queued" && unavailable());
    const wasHidden = offline.hidden && rating.hidden;
    offline.hidden = !offlineShown;
    if (offlineShown) {
      const sent = !!state.offlineSentTo;
      for (const n of [offlineIntro, offlineEmailLabel, offlineEmail, offlineTextLabel, offlineText, offlineSend]) n.hidden = sent;
      if (sent) offlineError.hidden = true;
      offlineThanks.hidden = !sent;
      if (sent) offlineThanks.textContent = fmt(T.offlineThanks, { email: state.offlineSentTo });
      if (!offlineEmail.value && state.customer && typeof state.customer.email === "string") {
        offlineEmail.value = state.customer.email;
      }
    }
    const ratingShown = state.status === "resolved" && !state.offlineSentTo;
    rating.hidden = !ratingShown;
    if (ratingShown) {
      for (const n of [ratingStars, ratingComment, ratingSend]) n.hidden = state.rated;
      ratingThanks.hidden = !state.rated;
    }
    if (wasHidden && !(offline.hidden && rating.hidden)) afterContentChange(false);
  }

  let noticeTimer = null;
  function showNotice(text) {
    noticeText.textContent = text;
    notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(hideNotice, NOTICE_MS);
  }
  function hideNotice() {
    clearTimeout(noticeTimer);
    notice.hidden = true;
  }
  noticeClose.addEventListener("click", () => {
    hideNotice();
    input.focus();
  });

  function bumpUnread() {
    if (state.open) return;
    state.unread += 1;
    renderUnread();
  }
  function renderUnread() {
    unreadBadge.textContent = "";
    if (state.unread > 0) {
      unreadBadge.hidden = false;
      // The badge is the launcher's description: a number to see, a sentence to hear.
      unreadBadge.appendChild(
        el("span", "", { "aria-hidden": "true", text: state.unread > 9 ? "9+" : String(state.unread) })
      );
      unreadBadge.appendChild(
        el("span", "sd-vh", { text: state.unread === 1 ? T.unreadOne : fmt(T.unreadMany, { n: state.unread }) })
      );
    } else {
      unreadBadge.hidden = true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Composer
  // ---------------------------------------------------------------------------------------------
  function autosize() {
    // CSSOM writes are allowed under a CSP without 'unsafe-inline' (only style attributes are not).
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 132) + "px";
  }
  function updateComposer() {
    const text = normalise(input.value);
    const n = cpLen(text);
    sendBtn.disabled = n === 0 || n > MAX_TEXT;
    if (n >= COUNTER_FROM) {
      counter.setAttribute("data-state", n > MAX_TEXT ? "over" : "near");
      counterVisible.textContent = fmt(T.counter, { n: numberFmt(n), max: numberFmt(MAX_TEXT) });
      counterHint.textContent = fmt(T.counterHint, { n: numberFmt(n), max: numberFmt(MAX_TEXT) });
    } else if (counter.getAttribute("data-state") !== "hidden") {
      counter.setAttribute("data-state", "hidden");
      counterVisible.textContent = "";
      counterHint.textContent = "";
    }
  }
  input.addEventListener("input", () => {
    autosize();
    updateComposer();
    typingNotify();
  });

  // While a person has (or is about to take) the chat, they see the customer typing.
  const TYPING_EVERY = 3000;
  const TYPING_IDLE = 4000;
  let typingSentAt = 0;
  let typingIdle = null;
  function typingNotify() {
    if (!welcomed || (state.status !== "agent" && state.status !== "queued")) return;
    if (!normalise(input.value)) {
      typingStop();
      return;
    }
    const now = Date.now();
    if (now - typingSentAt > TYPING_EVERY && sendFrame({ type: "typing", on: true })) typingSentAt = now;
    clearTimeout(typingIdle);
    typingIdle = setTimeout(typingStop, TYPING_IDLE);
  }
  function typingStop() {
    clearTimeout(typingIdle);
    if (typingSentAt) sendFrame({ type: "typing", on: false });
    typingSentAt = 0;
  }
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      if (e.isComposing || e.keyCode === 229) return; // IME is composing (Chinese input!)
      e.preventDefault();
      submit();
    }
  });
  composer.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  function submit() {
    typingStop();
    if (sendText(input.value)) {
      input.value = "";
      autosize();
      updateComposer();
    }
    input.focus();
  }
  humanBtn.addEventListener("click", () => requestHandoff());
  bannerButton.addEventListener("click", () => startNewConversation());

  // ---------------------------------------------------------------------------------------------
  // Offline message and rating
  // ---------------------------------------------------------------------------------------------
  const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  const OFFLINE_URL = BASE + "/chat/offline/";
  let offlineBusy = false;
  function offlineFail(text) {
    offlineError.textContent = text;
    offlineError.hidden = false;
  }
  offline.addEventListener("submit", (e) => {
    e.preventDefault();
    if (offlineBusy) return;
    const email = offlineEmail.value.trim();
    const text = normalise(offlineText.value);
    if (!EMAIL.test(email) || email.length > 254) {
      offlineFail(T.offlineBadEmail);
      offlineEmail.focus();
      return;
    }
    if (!text) {
      offlineFail(T.errEmpty);
      offlineText.focus();
      return;
    }
    if (cpLen(text) > MAX_TEXT) {
      offlineFail(fmt(T.errTooLong, { max: numberFmt(MAX_TEXT) }));
      offlineText.focus();
      return;
    }
    offlineBusy = true;
    offlineError.hidden = true;
    offlineSend.disabled = true;
    offlineSend.textContent = T.offlineSending;
    const done = () => {
      offlineBusy = false;
      offlineSend.disabled = false;
      offlineSend.textContent = T.offlineSend;
    };
    const post = () =>
      ensureToken().then((tok) => {
        const headers = { "Content-Type": "application/json", Accept: "application/json" };
        if (new URL(OFFLINE_URL).origin === location.origin) {
          const csrf = readCookie("csrftoken");
          if (csrf) headers["X-CSRFToken"] = csrf;
        }
        return fetch(OFFLINE_URL, {
          method: "POST",
          credentials: "include",
          cache: "no-store",
          headers: headers,
          body: JSON.stringify({ token: tok, email: email, text: text }),
        });
      });
    post()
      .then((res) => {
        if (res.status !== 403) return res;
        token = null; // expired: a fresh token, once
        return post();
      })
      .then((res) => {
        done();
        if (res.status === 400) {
          return res.json().then(
            (body) => offlineFail(body && /email/.test(String(body.error || "")) ? T.offlineBadEmail : T.offlineFailed),
            () => offlineFail(T.offlineFailed)
          );
        }
        if (!res.ok) throw new Error("offline message: HTTP " + res.status);
        state.offlineSentTo = email;
        offlineText.value = "";
        renderCards();
        persistNow();
      })
      .catch((err) => {
        done();
        if (window.console) console.warn("[servicedesk]", err && err.message ? err.message : err);
        offlineFail(T.offlineFailed);
      });
  });

  let score = 0;
  for (const b of starButtons) {
    b.addEventListener("click", () => {
      score = Number(b.getAttribute("data-score"));
      for (const x of starButtons) {
        const on = Number(x.getAttribute("data-score")) <= score;
        x.classList.toggle("sd-star--on", on);
        x.setAttribute("aria-pressed", x === b ? "true" : "false");
      }
      ratingSend.disabled = false;
    });
  }
  rating.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!score || state.rated) return;
    const frame = { type: "rate", score: score, comment: normalise(ratingComment.value).slice(0, 1000) };
    if (!(welcomed && sendFrame(frame))) {
      ratePending = frame;
      activate();
    }
    state.rated = true;
    renderCards();
    persistNow();
    input.focus({ preventScroll: true }); // the form goes away: don't leave focus on it
  });

  // ---------------------------------------------------------------------------------------------
  // Sending
  // ---------------------------------------------------------------------------------------------
  function sendText(raw, action) {
    const text = normalise(raw);
    const n = cpLen(text);
    if (n === 0) {
      showNotice(T.errEmpty);
      return false;
    }
    if (n > MAX_TEXT) {
      showNotice(fmt(T.errTooLong, { max: numberFmt(MAX_TEXT) }));
      return false;
    }
    hideNotice();
    const m = {
      seq: null,
      role: "customer",
      text: text,
      state: "sending",
      client_id: uuid(),
      created_at: new Date().toISOString(),
      attachments: [],
    };
    if (action) m.action = action; // kept with the pending message, so a resend carries it too
    state.messages.push(m);
    renderMessage(m);
    refreshLayout();
    afterContentChange(true);
    persist();
    if (welcomed) transmit(m);
    else activate();
    return true;
  }

  function transmit(m) {
    m._sentOn = ws;
    const frame = { type: "message", text: m.text, client_id: m.client_id };
    if (m.action) frame.action = m.action;
    sendFrame(frame);
  }

  function retry(m) {
    m.state = "sending";
    m._retry = false;
    renderMessage(m);
    refreshLayout();
    persist();
    if (welcomed) transmit(m);
    else activate();
  }

  function requestHandoff() {
    if (state.status === "bot") state.handoffRequested = true; // until the server's `status` says more
    renderBanner();
    if (welcomed) sendFrame({ type: "handoff" });
    else {
      handoffPending = true;
      activate();
    }
  }

  function sendFrame(obj) {
    if (!ws || ws.readyState !== 1) return false;
    try {
      ws.send(JSON.stringify(obj));
      return true;
    } catch (e) {
      return false;
    }
  }

  function flushOutbox() {
    for (const m of state.messages) {
      if (m.role === "customer" && m.state === "sending" && m._sentOn !== ws) transmit(m);
    }
    if (handoffPending) {
      handoffPending = false;
      sendFrame({ type: "handoff" });
    }
    if (ratePending) {
      const frame = ratePending;
      ratePending = null;
      sendFrame(frame);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Server frames
  // ---------------------------------------------------------------------------------------------
  function validMessage(m) {
    return m && typeof m === "object" && typeof m.seq === "number" && m.seq > 0;
  }
  function cleanMessage(m) {
    const out = {
      seq: m.seq,
      role: roleOf(m),
      text: typeof m.text === "string" ? m.text : "",
      state: m.state === "streaming" || m.state === "failed" ? m.state : "final",
      reply_to: typeof m.reply_to === "number" ? m.reply_to : null,
      attempt: typeof m.attempt === "string" ? m.attempt : m.attempt == null ? null : String(m.attempt),
      created_at: typeof m.created_at === "string" ? m.created_at : null,
      attachments: Array.isArray(m.attachments) ? m.attachments : [],
    };
    if (typeof m.client_id === "string") out.client_id = m.client_id;
    const name = agentName(m);
    if (name) out.agent_name = name;
    return out;
  }
  // The agent's first name, where the server says who wrote the message.
  function agentName(m) {
    let name = "";
    if (typeof m.agent_name === "string") name = m.agent_name;
    else if (m.agent && typeof m.agent === "object" && typeof m.agent.name === "string") name = m.agent.name;
    else if (typeof m.author === "string") name = m.author;
    return name.trim().slice(0, 60);
  }
  function assign(target, src) {
    for (const k in src) if (Object.prototype.hasOwnProperty.call(src, k)) target[k] = src[k];
  }

  // Insert or update a stored message. mode "end": the server's final word, always taken.
  function upsert(raw, mode) {
    const inc = cleanMessage(raw);
    let held = bySeq(inc.seq);
    let added = false;
    const wasSettled = isTerminal(held);
    if (!held && inc.role === "customer") {
      // Our own message, arriving before its ack: match it to the pending bubble.
      held =
        (inc.client_id && byClientId(inc.client_id)) ||
        state.messages.find((m) => m.role === "customer" && m.seq === null && m.state === "sending" && m.text === inc.text);
      if (held) {
        const cid = held.client_id;
        assign(held, inc);
        held.client_id = cid;
        held._retry = false;
        sortMessages();
        reinsert(held);
        return finishUpsert(held, false);
      }
    }
    if (!held) {
      held = inc;
      state.messages.push(held);
      sortMessages();
      added = true;
    } else if (mode === "end") {
      assign(held, inc);
    } else if (isTerminal(held)) {
      if (held.text === inc.text && held.state === inc.state) return; // a replay of what we have
      if (inc.state === "streaming") return; // a settled message never goes back to streaming
      assign(held, inc);
    } else if (isTerminal(inc) || inc.attempt !== held.attempt) {
      assign(held, inc); // settled, or a new attempt: its text replaces ours
    } else if (cpLen(inc.text) >= cpLen(held.text)) {
      assign(held, inc); // the text so far, at least as far as we got
    } else {
      const text = held.text; // we are ahead thanks to live deltas: keep our text
      assign(held, inc);
      held.text = text;
    }
    return finishUpsert(held, added, wasSettled);
  }

  // A message counts as unread once: when it arrives settled, or when the reply it is settles
  // (by its `end`, or by a replay or sync when the `end` was lost).
  function finishUpsert(m, added, wasSettled) {
    renderMessage(m);
    refreshLayout();
    renderCards();
    afterContentChange(false);
    persist();
    const role = roleOf(m);
    if (role !== "customer" && isTerminal(m) && (added || !wasSettled)) bumpUnread();
    return m;
  }

  // Put a message's node where its (new) seq belongs; usually it is there already, and moving a
  // node in a live region would announce it again.
  function reinsert(m) {
    const n = nodes.get(m);
    if (!n) return;
    const idx = state.messages.indexOf(m);
    let next = null;
    for (let i = idx + 1; i < state.messages.length; i++) {
      const x = nodes.get(state.messages[i]);
      if (x && x.parentNode === log) {
        next = x;
        break;
      }
    }
    if (n.parentNode === log && n.nextSibling === next) return;
    log.insertBefore(n, next);
  }

  function onAck(f) {
    if (typeof f.client_id !== "string" || typeof f.seq !== "number") return;
    const pending = byClientId(f.client_id);
    if (!pending) return;
    const other = bySeq(f.seq);
    if (other && other !== pending) {
      // The stored message already arrived as a `message` frame: keep one bubble.
      const cid = pending.client_id;
      removeMessage(pending);
      other.client_id = cid;
      renderMessage(other);
    } else {
      pending.seq = f.seq;
      if (pending.state === "sending" || pending.state === "failed") pending.state = "final";
      pending._retry = false;
      sortMessages();
      reinsert(pending);
      renderMessage(pending);
    }
    refreshLayout();
    persist();
  }

  function onDelta(f) {
    if (typeof f.seq !== "number" || typeof f.text !== "string") return;
    const offset = typeof f.offset === "number" && f.offset >= 0 ? f.offset : 0;
    let m = bySeq(f.seq);
    let added = false;
    let gap = false;
    if (!m) {
      gap = f.seq > maxSeq() + 1;
      m = { seq: f.seq, role: "bot", text: "", state: "streaming", reply_to: null, attempt: f.attempt, created_at: null, attachments: [] };
      state.messages.push(m);
      sortMessages();
      added = true;
    }
    state.typing = false; // cleared by the first delta
    if (isTerminal(m)) {
      refreshLayout();
      return; // a late delta for a finished reply
    }
    if (m.attempt !== f.attempt) {
      m.attempt = f.attempt; // a new attempt: throw the old partial text away
      m.text = "";
    }
    const have = cpLen(m.text);
    if (offset === have) {
      m.text += f.text;
    } else if (offset < have) {
      const chars = Array.from(f.text);
      if (offset + chars.length > have) m.text += chars.slice(have - offset).join("");
    } else gap = true; // offset > have: we missed a piece; the `end` carries the whole text
    const wasEmpty = added || !(nodes.get(m) && nodes.get(m)._sd.renderedText);
    renderMessage(m);
    if (wasEmpty) refreshLayout();
    else typing.hidden = !state.typing && !state.messages.some((x) => x.state === "streaming" && !x.text && roleOf(x) === "bot");
    afterContentChange(false);
    persist();
    if (gap) requestSync(); // ask for the text so far rather than wait for the `end`
  }

  function onEnd(f) {
    if (!validMessage(f.message)) return;
    state.typing = false;
    const gap = f.message.seq > maxSeq() + 1;
    upsert(f.message, "end");
    if (gap) requestSync();
    persistNow();
  }

  function onWelcome(f) {
    welcomed = true;
    everWelcomed = true;
    attempts = 0;
    failures = 0;
    if (typeof f.conversation === "string" && f.conversation && f.conversation !== state.conversation) {
      resetConversation(f.conversation);
    }
    if (typeof f.last_seq === "number") {
      // The server knows less than we do (a restored database?): forget what it no longer has.
      for (const m of state.messages.slice()) if (typeof m.seq === "number" && m.seq > f.last_seq) removeMessage(m);
    }
    if (f.customer !== undefined) state.customer = f.customer;
    setStatus(f.status, f);
    renderGreeting();
    renderStatus();
    startPing();
    flushOutbox();
    refreshLayout();
    persist();
  }

  // `f`: the status or welcome frame, whose optional fields say where a queued chat stands
  // (position, eta_s) and whether anyone can take it now (available).
  function setStatus(s, f) {
    if (s !== "bot" && s !== "queued" && s !== "agent" && s !== "resolved") return;
    const was = state.status;
    state.status = s;
    if (s !== "bot") state.handoffRequested = false;
    f = f || {};
    if (s === "queued") {
      const position = typeof f.position === "number" && f.position > 0 ? Math.floor(f.position) : null;
      const eta = typeof f.eta_s === "number" && f.eta_s > 0 ? f.eta_s : 0;
      if (position) state.queue = { position: position, eta_s: eta };
      else if (was !== "queued") state.queue = null;
      if (typeof f.available === "boolean") state.available = f.available;
    } else {
      state.queue = null;
      state.available = true;
      // Leaving a message resolves the queued chat; keep the thanks (and ask for no rating).
      if (s !== "resolved") state.offlineSentTo = "";
    }
    if (s !== "resolved" && was === "resolved") state.rated = false; // a new episode: ask again
    if (s !== "agent") state.typingName = "";
    renderBanner();
    persist();
  }

  function onError(f) {
    const code = f.code;
    const m = typeof f.client_id === "string" ? byClientId(f.client_id) : null;
    if (m && m.state === "sending") {
      m.state = "failed";
      m._retry = code === "rate_limited";
      renderMessage(m);
      refreshLayout();
      persist();
    }
    if (code === "rate_limited") showNotice(T.errRateLimited);
    else if (code === "text_too_long") showNotice(fmt(T.errTooLong, { max: numberFmt(MAX_TEXT) }));
    else if (code === "empty_text") showNotice(T.errEmpty);
    else if (code === "conversation_closed") {
      showNotice(T.errClosed);
      setStatus("resolved");
    } else if (window.console) console.warn("[servicedesk] server error:", code, f.message || "");
  }

  function onFrame(f) {
    if (!f || typeof f !== "object") return;
    switch (f.type) {
      case "welcome":
        onWelcome(f);
        break;
      case "message":
        // A replay, a sync's answer or a live message: one merge for all. A seq past the next
        // one means frames were lost on the way.
        if (validMessage(f.message)) {
          const gap = f.message.seq > maxSeq() + 1;
          upsert(f.message);
          if (gap) requestSync();
        }
        break;
      case "ack":
        onAck(f);
        break;
      case "typing":
        state.typing = !!f.on;
        // An agent's typing carries their name; the assistant's doesn't.
        state.typingName = "";
        if (state.typing && f.role === "agent") {
          // The name of whoever wrote last for the team, else "Support team".
          const last = state.messages.slice().reverse().find((m) => roleOf(m) === "agent" && m.agent_name);
          state.typingName = typeof f.name === "string" && f.name.trim() ? f.name.trim().slice(0, 60) : last ? last.agent_name : T.nameAgent;
        }
        typingLabel.textContent = state.typingName ? fmt(T.typingAgent, { name: state.typingName }) : T.typing;
        refreshLayout();
        if (state.typing) afterContentChange(false);
        break;
      case "delta":
        onDelta(f);
        break;
      case "end":
        onEnd(f);
        break;
      case "status":
        setStatus(f.status, f);
        break;
      case "error":
        onError(f);
        break;
      case "rated":
        state.rated = true;
        renderCards();
        persist();
        break;
      case "pong":
        onPong(f);
        break;
      default:
        if (window.console) console.warn("[servicedesk] unknown frame:", f.type);
    }
  }

  function resetConversation(conversation) {
    // A different conversation: its seqs start over, so the old history can't be mixed in.
    // Messages still waiting to be sent are kept and go to the new conversation.
    for (const m of state.messages.slice()) {
      if (!(m.role === "customer" && m.state === "sending" && m.seq === null)) removeMessage(m);
    }
    state.conversation = conversation;
    state.status = "bot";
    state.typing = false;
    state.handoffRequested = false;
    state.queue = null;
    state.available = true;
    state.rated = false;
    state.offlineSentTo = "";
    ratePending = null;
    renderBanner();
    refreshLayout();
    persistNow();
  }

  // ---------------------------------------------------------------------------------------------
  // Connection
  // ---------------------------------------------------------------------------------------------
  function fetchSession() {
    if (sessionPromise) return sessionPromise;
    const payload = { page: location.href };
    const resume = store.get("resume");
    if (resume) payload.resume = resume;
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (new URL(SESSION_URL).origin === location.origin) {
      const csrf = readCookie("csrftoken");
      if (csrf) headers["X-CSRFToken"] = csrf;
    }
    sessionPromise = fetch(SESSION_URL, {
      method: "POST",
      credentials: "include",
      cache: "no-store",
      headers: headers,
      body: JSON.stringify(payload),
    })
      .then((res) => {
        if (!res.ok) throw new Error("session request failed: HTTP " + res.status);
        return res.json();
      })
      .then((data) => {
        if (!data || typeof data.token !== "string" || !data.token) throw new Error("session: no token");
        token = data.token;
        tokenAt = Date.now();
        if (typeof data.resume === "string" && data.resume) store.set("resume", data.resume);
        if (typeof data.conversation === "string" && data.conversation !== state.conversation) {
          resetConversation(data.conversation);
        }
        if (data.customer !== undefined) {
          state.customer = data.customer;
          renderGreeting();
        }
        return data;
      });
    const clear = () => {
      sessionPromise = null;
    };
    sessionPromise.then(clear, clear);
    return sessionPromise;
  }

  function ensureToken() {
    if (token && Date.now() - tokenAt < TOKEN_REUSE_MS) return Promise.resolve(token);
    return fetchSession().then(() => token);
  }

  function activate() {
    if (!active) {
      active = true;
      renderStatus();
    }
    if (!ws && !connecting) connectNow();
  }

  function connectNow() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    connect();
  }

  function connect() {
    if (stopped || ws || connecting || !active) return;
    connecting = true;
    renderStatus();
    ensureToken().then(
      () => {
        connecting = false;
        openSocket();
      },
      (err) => {
        connecting = false;
        failures += 1;
        if (window.console) console.warn("[servicedesk]", err && err.message ? err.message : err);
        scheduleReconnect(false);
      }
    );
  }

  function openSocket() {
    if (stopped || ws) return;
    let sock;
    try {
      sock = new WebSocket(WS_URL);
    } catch (e) {
      failures += 1;
      scheduleReconnect(false);
      return;
    }
    ws = sock;
    welcomed = false;
    lastFrameAt = Date.now();
    sock.onopen = () => {
      if (ws !== sock) return;
      sock.send(JSON.stringify({ type: "hello", token: token, last_seq: lastSeq(), lang: LANG }));
    };
    sock.onmessage = (ev) => {
      if (ws !== sock) return;
      lastFrameAt = Date.now();
      if (typeof ev.data !== "string") return;
      let f;
      try {
        f = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      onFrame(f);
      if (ws === sock) schedulePing(); // waiting started or stopped: the heartbeat's pace follows
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      onClosed(ev.code);
    };
    sock.onerror = () => {
      /* a close event follows */
    };
  }

  function detachSocket() {
    const sock = ws;
    ws = null;
    welcomed = false;
    stopPing();
    if (sock) {
      sock.onopen = sock.onmessage = sock.onclose = sock.onerror = null;
      try {
        sock.close(1000);
      } catch (e) {
        /* ignore */
      }
    }
  }

  function onClosed(code) {
    const wasWelcomed = welcomed;
    ws = null;
    welcomed = false;
    stopPing();
    state.typing = false;
    refreshLayout();
    if (!wasWelcomed) failures += 1;
    if (code === 4010 || code === 4009) {
      stopped = true; // the server says this client is broken: don't hammer it
      clearTimeout(reconnectTimer);
      showNotice(T.errConnection);
      renderStatus();
      return;
    }
    if (code === 4003) {
      token = null; // get a fresh token (with our resume token) and try again
      scheduleReconnect(attempts === 0);
      return;
    }
    scheduleReconnect(false);
  }

  function backoffDelay(n) {
    const base = Math.min(BACKOFF_MAX, BACKOFF_BASE * Math.pow(2, n));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  function scheduleReconnect(immediate) {
    if (stopped || !active) return;
    clearTimeout(reconnectTimer);
    const delay = immediate ? 0 : backoffDelay(attempts);
    attempts += 1;
    renderStatus();
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  // The heartbeat. Live frames are best effort (under load a `delta` or an `end` can be lost on
  // the way); the database is the truth. A pong says how far the server is (last_seq, its newest
  // seq; settled_seq, the same as our lastSeq()), and `sync` fetches what we missed as ordinary
  // `message` frames, then a pong. While a reply is awaited we ping every few seconds.
  function startPing() {
    stopPing();
    pingOn = true;
    lastPingAt = Date.now();
    pongsDue = syncPong = syncAt = behindPongs = 0;
    heartbeat = syncWanted = false;
    schedulePing();
  }
  function schedulePing() {
    if (!pingOn) return;
    clearTimeout(pingTimer);
    const due = lastPingAt + (awaiting() ? PING_WAITING : PING_EVERY);
    pingTimer = setTimeout(ping, Math.max(0, due - Date.now()));
  }
  function ping() {
    pingTimer = null;
    const sentAt = Date.now();
    lastPingAt = sentAt;
    if (ws && ws.readyState === 1 && sendFrame({ type: "ping" })) {
      pongsDue += 1;
      const check = setTimeout(() => {
        pongTimers.delete(check);
        if (ws && lastFrameAt < sentAt) {
          // No answer at all: the connection is dead even if the browser hasn't noticed.
          detachSocket();
          onClosed(1006);
        }
      }, PONG_TIMEOUT);
      pongTimers.add(check);
    }
    schedulePing();
  }
  function stopPing() {
    pingOn = false;
    clearTimeout(pingTimer);
    pingTimer = null;
    for (const t of pongTimers) clearTimeout(t);
    pongTimers.clear();
  }

  function onPong(f) {
    if (pongsDue > 0) pongsDue -= 1;
    if (syncPong > 0) {
      syncPong -= 1;
      if (syncPong === 0) syncAt = 0; // the sync's messages are all in
    }
    if (typeof f.last_seq !== "number" || typeof f.settled_seq !== "number") return; // an older server
    heartbeat = true;
    if (syncing()) return; // an older pong: the outstanding sync's own pong says more
    // The database runs ahead of the live frames by the channel layer's lag: a pong that shows
    // more is usually a frame still on its way. Behind on two pongs in a row, it was lost.
    behindPongs = f.settled_seq > lastSeq() || f.last_seq > maxSeq() ? behindPongs + 1 : 0;
    if (syncWanted || behindPongs >= 2) {
      behindPongs = 0;
      requestSync();
    }
  }
  function syncing() {
    return syncPong > 0 && Date.now() - syncAt < SYNC_TIMEOUT;
  }

  // Ask for every stored message past what we hold settled; one request at a time.
  function requestSync() {
    if (!welcomed) return;
    // Not yet: ask on a later pong, once it shows the server can answer (an older server never
    // gets a `sync`), or once the outstanding sync is answered.
    syncWanted = true;
    if (!heartbeat || syncing()) return;
    if (!sendFrame({ type: "sync", last_seq: lastSeq() })) return;
    syncWanted = false;
    syncAt = Date.now();
    pongsDue += 1;
    syncPong = pongsDue;
  }

  function startNewConversation() {
    detachSocket();
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    store.set("resume", null);
    token = null;
    state.conversation = null;
    resetConversation(null);
    hideNotice();
    attempts = 0;
    stopped = false;
    active = true;
    connectNow();
    input.focus();
  }

  function wake() {
    if (stopped || !active) return;
    if (!ws && !connecting) {
      attempts = Math.min(attempts, 1);
      connectNow();
    }
  }
  window.addEventListener("online", () => {
    renderStatus();
    wake();
  });
  window.addEventListener("offline", renderStatus);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });
  window.addEventListener("pagehide", () => persistNow());
  window.addEventListener("pageshow", (e) => {
    if (e.persisted) wake();
  });

  // ---------------------------------------------------------------------------------------------
  // Open / close
  // ---------------------------------------------------------------------------------------------
  function open() {
    if (!state.open) {
      state.open = true;
      panel.hidden = false;
      root.classList.add("sd-is-open");
      document.documentElement.classList.add("sd-chat-open");
      launcher.setAttribute("aria-expanded", "true");
      state.unread = 0;
      renderUnread();
      autosize();
      scrollToBottom();
    }
    activate();
    input.focus({ preventScroll: true });
  }
  function close() {
    if (!state.open) return;
    const hadFocus = root.contains(document.activeElement);
    state.open = false;
    panel.hidden = true;
    root.classList.remove("sd-is-open");
    document.documentElement.classList.remove("sd-chat-open");
    launcher.setAttribute("aria-expanded", "false");
    if (hadFocus || document.activeElement === document.body) launcher.focus();
  }
  launcher.addEventListener("click", () => (state.open ? close() : open()));
  closeBtn.addEventListener("click", close);
  root.addEventListener("keydown", (e) => {
    if ((e.key === "Escape" || e.key === "Esc") && state.open && !e.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------
  window.ServiceDesk = {
    __servicedesk: true,
    open: open,
    close: close,
    state: () => ({
      connected: welcomed,
      conversation: state.conversation,
      status: state.status,
      open: state.open,
      lang: LANG,
      messages: state.messages.map(publicCopy),
    }),
  };

  function mount() {
    if (!document.querySelector('link[data-servicedesk-css]')) {
      const link = el("link", "", { rel: "stylesheet", href: CSS_URL, "data-servicedesk-css": "" });
      const show = () => (root.hidden = false);
      link.addEventListener("load", show);
      link.addEventListener("error", () => {
        if (window.console) console.warn("[servicedesk] could not load " + CSS_URL);
      });
      (document.head || document.documentElement).appendChild(link);
    } else {
      root.hidden = false;
    }
    renderGreeting();
    renderAll();
    renderBanner();
    renderStatus();
    updateComposer();
    document.body.appendChild(root);
    if (active) connect(); // an existing conversation: catch up right away
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
