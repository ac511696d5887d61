// Shared by the dashboards' widgets; prepended to each widget's module when it is loaded
// (toolkit.dashboard.common.widget_module), so each stays one self-contained ES module.

// What counts as typing: a key pressed there is text, not a shortcut.
const EDITABLE = "input, textarea, select, [contenteditable='true']";

// An element with attributes ("class", "text", "on<event>" handlers) and children.
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// model.send throws once the page's connection to its kernel is closed (a reload or a closed
// tab under way, or a stopped server); the caller decides what a person should be told.
function sender(model) {
  return (message, buffers = undefined) => {
    try {
      model.send(message, undefined, buffers);
      return true;
    } catch (error) {
      return false;
    }
  };
}
