// Images waiting to go with the next message: added by the file picker, by pasting or by dropping files, shown as
// thumbnails that can be removed, and sent as data URLs (the server decodes them; nothing is uploaded elsewhere).

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error ?? new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

export class Attachments {
  /** @param {HTMLElement} list where the thumbnails go @param {(message: string) => void} onError */
  constructor(list, onError) {
    this.list = list;
    this.onError = onError;
    this.items = [];
  }

  get count() {
    return this.items.length;
  }

  /** Adds the image files among `files`; anything else is refused by name. */
  async addFiles(files) {
    for (const file of Array.from(files)) {
      if (!file.type.startsWith('image/')) {
        this.onError(`${file.name || 'the file'} is not an image (${file.type || 'unknown type'})`);
        continue;
      }
      try {
        this.#add(await readAsDataUrl(file), file.name || 'pasted image');
      } catch (e) {
        this.onError(e.message);
      }
    }
  }

  /** The data URLs for the message being sent; the list empties. */
  take() {
    const urls = this.items.map((item) => item.url);
    this.items = [];
    this.list.replaceChildren();
    this.list.hidden = true;
    return urls;
  }

  #add(url, name) {
    const figure = document.createElement('figure');
    figure.className = 'thumbnail';
    const img = document.createElement('img');
    img.src = url;
    img.alt = name;
    img.title = name;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.textContent = '×';
    remove.setAttribute('aria-label', `remove ${name}`);
    const item = { url, figure };
    remove.addEventListener('click', () => {
      this.items = this.items.filter((other) => other !== item);
      figure.remove();
      this.list.hidden = this.items.length === 0;
    });
    figure.append(img, remove);
    this.items.push(item);
    this.list.append(figure);
    this.list.hidden = false;
  }
}

/** Connects the ways images arrive: the file input, paste anywhere on the page, files dropped on `dropZone`. */
export function connectImageSources({ fileInput, dropZone }, attachments) {
  fileInput.addEventListener('change', async () => {
    await attachments.addFiles(fileInput.files);
    fileInput.value = '';
  });
  document.addEventListener('paste', (event) => {
    const files = Array.from(event.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/'));
    if (files.length === 0) return;
    // Pasted images become attachments; pasted text is left to the text box.
    event.preventDefault();
    attachments.addFiles(files);
  });
  const hasFiles = (event) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  dropZone.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (event) => {
    dropZone.classList.remove('dragging');
    if (!hasFiles(event)) return;
    event.preventDefault();
    attachments.addFiles(event.dataTransfer.files);
  });
}
