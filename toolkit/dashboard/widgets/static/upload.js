// A drop zone and file chooser: the browser reads the files and sends their bytes to the kernel
// in pieces (see toolkit/dashboard/upload.py). Nothing is uploaded anywhere else. The limits
// checked here (files, size of each, size of all) are the kernel's, which checks them again:
// this only saves a person from waiting for a refusal.

const LOST = "Not opened: the page has lost its connection to the dashboard. Reload the page and drop the file again.";

function render({ model, el }) {
  const post = sender(model);
  const zone = document.createElement("label");
  zone.className = "tf-drop";
  const input = document.createElement("input");
  input.type = "file";
  input.multiple = true;
  input.className = "tf-drop-input";
  const prompt = document.createElement("span");
  prompt.className = "tf-drop-prompt";
  const choose = document.createElement("span");
  choose.className = "tf-drop-choose";
  choose.textContent = "Choose file…";
  const status = document.createElement("span");
  status.className = "tf-drop-status";
  status.setAttribute("role", "status");
  zone.append(input, prompt, choose, status);
  el.appendChild(zone);

  const sync = () => {
    prompt.textContent = model.get("prompt");
    input.accept = model.get("accept");
    input.setAttribute("aria-label", model.get("label"));
    status.textContent = model.get("status");
  };
  sync();
  model.on("change:prompt", sync);
  model.on("change:accept", sync);
  model.on("change:label", sync);
  model.on("change:status", sync);

  const read = async (fileList) => {
    const files = Array.from(fileList || []);
    if (!files.length) return;
    if (files.length > model.get("max_files")) {
      if (!post({ event: "too-many", count: files.length })) status.textContent = LOST;
      return;
    }
    const big = files.find((f) => f.size > model.get("max_bytes"));
    if (big) {
      if (!post({ event: "too-large", name: big.name, size: big.size })) status.textContent = LOST;
      return;
    }
    const size = files.reduce((n, f) => n + f.size, 0);
    if (size > model.get("max_total_bytes")) {
      if (!post({ event: "too-much", size })) status.textContent = LOST;
      return;
    }
    const upload = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const chunk = model.get("chunk_bytes");
    const total = size || 1;
    let sent = 0;
    if (!post({ event: "start", upload, files: files.map((f) => ({ name: f.name, size: f.size })) })) {
      status.textContent = LOST;
      return;
    }
    for (const [index, file] of files.entries()) {
      const data = await file.arrayBuffer();
      for (let at = 0; at < data.byteLength; at += chunk) {
        const piece = data.slice(at, at + chunk);
        if (!post({ event: "chunk", upload, file: index }, [piece])) {
          status.textContent = LOST;
          return;
        }
        sent += piece.byteLength;
        status.textContent = `Reading ${file.name}… ${Math.round((100 * sent) / total)}%`;
      }
    }
    if (!post({ event: "end", upload })) status.textContent = LOST;
  };

  input.addEventListener("change", () => {
    read(input.files);
    input.value = ""; // choosing the same file again is a new choice
  });
  const over = (event) => {
    event.preventDefault();
    zone.classList.add("tf-drop-over");
  };
  zone.addEventListener("dragenter", over);
  zone.addEventListener("dragover", over);
  zone.addEventListener("dragleave", () => zone.classList.remove("tf-drop-over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("tf-drop-over");
    read(event.dataTransfer ? event.dataTransfer.files : []);
  });
}

export default { render };
