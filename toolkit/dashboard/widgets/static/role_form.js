// The lead's form to grant and remove roles: the login, the role, Grant, Remove role. Enter in
// the login box grants. Each press sends what the boxes hold in one message, so the kernel gets
// the login whole however soon the press follows the typing; the kernel answers done (the box
// is emptied if it still holds that login) or refused (it is kept, the page's message says why).
// The element carries data-done, data-refused and data-pending, so a page can tell it landed.

const LOST_ROLES = "the page has lost its connection to the dashboard: reload the page.";

function render({ model, el }) {
  const send = sender(model);
  const pending = new Set();
  const answered = { done: 0, refused: 0 };
  let seq = 0;
  el.classList.add("tf-role-form");
  const count = () => {
    el.dataset.done = String(answered.done);
    el.dataset.refused = String(answered.refused);
    el.dataset.pending = String(pending.size);
  };
  count();

  const user = h("input", {
    class: "tf-input tf-role-user",
    type: "text",
    "aria-label": "User",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "their sign-in name; Enter grants",
  });
  const role = h("select", { class: "tf-input tf-role-role", "aria-label": "Role" });
  for (const r of model.get("roles")) role.append(h("option", { value: r, text: r }));
  role.value = "rater";
  const grant = h("button", { type: "button", class: "tf-primary", text: "Grant" });
  const revoke = h("button", { type: "button", class: "tf-secondary", text: "Remove role" });
  const note = h("div", { class: "tf-form-status", role: "status", "aria-live": "polite" });
  const field = (label, control) =>
    h("label", { class: "tf-field" }, h("span", { class: "tf-field-label", text: label }), control);
  el.append(field("User", user), field("Role", role), grant, revoke, note);

  function ask(op) {
    const message = { op, seq: ++seq, user: user.value, role: role.value };
    if (!send(message)) {
      note.textContent = LOST_ROLES;
      return;
    }
    note.textContent = "";
    pending.add(message.seq);
    count();
  }

  grant.addEventListener("click", () => ask("grant"));
  revoke.addEventListener("click", () => ask("revoke"));
  user.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      ask("grant");
    }
  });

  model.on("msg:custom", (msg) => {
    if (!pending.delete(msg.seq)) return;
    if (msg.op === "done") {
      answered.done += 1;
      if (user.value === msg.user) user.value = "";
    } else if (msg.op === "refused") {
      answered.refused += 1;
    }
    count();
  });
}

export default { render };
