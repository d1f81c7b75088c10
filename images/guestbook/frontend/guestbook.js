// The Guestbook page's logic. The entries are one Redis value, joined with commas like the
// classic Guestbook: read through guestbook.php?cmd=get (served by the Redis followers) and
// written whole through guestbook.php?cmd=set (to the Redis leader). Entries are shown as
// text, never as HTML.
'use strict';

const form = document.getElementById('sign');
const input = document.getElementById('message');
const button = form.querySelector('button');
const statusLine = document.getElementById('status');
const list = document.getElementById('entries');
let entries = [];

function show(text) {
  statusLine.textContent = text;
}

function render() {
  list.replaceChildren(
    ...entries.map((entry) => {
      const item = document.createElement('li');
      item.textContent = entry;
      return item;
    }),
  );
}

async function api(query) {
  const res = await fetch(`guestbook.php?${query}`, { cache: 'no-store' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
  return body;
}

async function load() {
  try {
    const { data } = await api('cmd=get&key=messages');
    entries = data ? data.split(',') : [];
    render();
  } catch (err) {
    show(`Could not read the guestbook: ${err.message}`);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const entry = input.value.trim();
  if (!entry) return;
  const value = [...entries, entry].join(',');
  button.disabled = true;
  try {
    await api(`cmd=set&key=messages&value=${encodeURIComponent(value)}`);
    // Shown as stored: an entry with commas reads back as several, as after a reload.
    entries = value.split(',');
    input.value = '';
    render();
    show('Updated.');
  } catch (err) {
    show(`Could not sign the guestbook: ${err.message}`);
  } finally {
    button.disabled = false;
  }
});

load();
