// The IT progress tab: signs in through Teams (single sign-on), then draws the figures the bot serves under
// /api/it/. Everything shown is built with textContent (names are never parsed as HTML).
'use strict';
(function () {
  const CATEGORIES = ['complete', 'phoneOnly', 'partly', 'notStarted', 'unknown'];
  const COLOURS = {
    complete: '#2e7d32',
    phoneOnly: '#ef6c00',
    partly: '#f9a825',
    notStarted: '#c62828',
    unknown: '#9e9e9e',
  };
  const SECTIONS = ['loading', 'outside', 'signInFailed', 'refused', 'failed', 'content'];
  const $ = (id) => document.getElementById(id);
  const state = { data: null, people: [], group: 'school', category: undefined };

  function show(id) {
    for (const section of SECTIONS) $(section).hidden = section !== id;
  }

  function withTimeout(promise, ms) {
    return Promise.race([
      promise,
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms)),
    ]);
  }

  /** Inside Teams or not: rejects outside Teams (no Teams host answers the library). */
  async function inTeams() {
    const teams = window.microsoftTeams;
    if (!teams) throw new Error('outside');
    await withTimeout(teams.app.initialize(), 5000);
    return teams;
  }

  /** A token for each call: Teams keeps and renews it, so a tab left open an hour still signs in. */
  function token() {
    return window.microsoftTeams.authentication.getAuthToken();
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + (await token()) } });
    if (response.status === 401 || response.status === 403) {
      const error = new Error('refused');
      error.status = response.status;
      throw error;
    }
    if (!response.ok) throw new Error('failed');
    return response;
  }

  /** Why the server refused: not IT staff (403), or a sign-in it does not accept (401: expired, wrong app). */
  function showRefused(status) {
    $('refused').textContent =
      status === 403
        ? 'This tab is for the IT staff group only.'
        : "This tab is for the IT staff group only, and your sign-in was not accepted. Close the tab and open it again; if that keeps happening, IT should check the app's single sign-on (docs/it-view.md).";
    show('refused');
  }

  /** A click that could not load: said where the list would be, the figures stay. */
  function failedClick(error) {
    $('people').hidden = false;
    $('peopleHeading').textContent =
      error.message === 'refused'
        ? 'Your sign-in has ended: close the tab and open it again.'
        : 'That list could not be loaded. Try again in a minute.';
    $('peopleTable').tBodies[0].textContent = '';
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function labelOf(category) {
    return state.data.categories.find((c) => c.key === category).label;
  }

  function drawSummary(data) {
    const school = data.groups[0];
    $('summary').textContent =
      school.counts.complete +
      ' of ' +
      school.counts.total +
      ' people are done (' +
      school.percentComplete +
      '%).' +
      ' Counted ' +
      new Date(data.countedAt).toLocaleString('en-GB') +
      '.';
    const phoneOnly = school.counts.phoneOnly;
    $('phoneWarning').hidden = !(phoneOnly > 0 && data.phoneEnds);
    if (phoneOnly > 0 && data.phoneEnds)
      $('phoneWarning').textContent =
        phoneOnly +
        ' people sign in with texts or calls only. Those stop on ' +
        data.phoneEnds +
        ': they will be locked out unless they add the app.';
    $('noReport').hidden = data.hasReport;
  }

  function drawGroupsTable(data) {
    const body = $('groupsTable').tBodies[0];
    body.replaceChildren();
    for (const group of data.groups) {
      const row = document.createElement('tr');
      row.dataset.group = group.id;
      if (group.kind === 'school') row.className = 'school';
      cell(row, group.name);
      for (const category of CATEGORIES) {
        const td = cell(row, '', 'number');
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent =
          category === 'complete'
            ? group.counts.complete + ' (' + group.percentComplete + '%)'
            : String(group.counts[category]);
        button.setAttribute('aria-label', group.name + ': ' + labelOf(category));
        button.addEventListener('click', () => loadPeople(group.id, category).catch(failedClick));
        td.appendChild(button);
      }
      cell(row, String(group.counts.total), 'number');
      body.appendChild(row);
    }
  }

  function drawGroupsChart(data) {
    const groups = data.groups;
    new window.Chart($('groupsChart'), {
      type: 'bar',
      data: {
        labels: groups.map((g) => g.name),
        datasets: CATEGORIES.map((category) => ({
          label: labelOf(category),
          data: groups.map((g) => g.counts[category]),
          backgroundColor: COLOURS[category],
        })),
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
        onClick: (_event, elements) => {
          const hit = elements[0];
          if (hit) loadPeople(groups[hit.index].id, CATEGORIES[hit.datasetIndex]).catch(failedClick);
        },
      },
    });
  }

  function drawTrend(data) {
    const days = data.trend.days;
    $('trendEmpty').hidden = days.length > 0;
    const schoolOf = (day) => day.groups.find((g) => g.id === 'school');
    const dates = days.map((d) => d.date);
    const reminders = new Set(data.trend.reminderDays);
    new window.Chart($('trendChart'), {
      data: {
        labels: dates,
        datasets: [
          {
            type: 'line',
            label: 'done',
            data: days.map((d) => schoolOf(d)?.counts.complete ?? null),
            borderColor: COLOURS.complete,
          },
          {
            type: 'line',
            label: 'phone-only',
            data: days.map((d) => schoolOf(d)?.counts.phoneOnly ?? null),
            borderColor: COLOURS.phoneOnly,
          },
          {
            type: 'bar',
            label: 'reminder sent',
            data: days.map((d) => (reminders.has(d.date) ? (schoolOf(d)?.counts.total ?? null) : null)),
            backgroundColor: 'rgba(46, 90, 172, 0.25)',
          },
        ],
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
  }

  function drawPeople() {
    const filter = $('filter').value.trim().toLowerCase();
    const body = $('peopleTable').tBodies[0];
    body.replaceChildren();
    for (const person of state.people) {
      const text = [person.name, person.yearGroup, person.progress, person.missing.join('; ')]
        .join(' ')
        .toLowerCase();
      if (filter && !text.includes(filter)) continue;
      const row = document.createElement('tr');
      cell(row, person.name);
      cell(row, person.yearGroup);
      cell(row, person.progress);
      cell(row, person.missing.join('; '));
      body.appendChild(row);
    }
  }

  function peopleQuery() {
    const query = new URLSearchParams({ group: state.group });
    if (state.category) query.set('category', state.category);
    return query.toString();
  }

  async function loadPeople(group, category) {
    state.group = group;
    state.category = category;
    const response = await api('/api/it/people?' + peopleQuery());
    state.people = (await response.json()).people;
    const name = state.data.groups.find((g) => g.id === group).name;
    $('peopleHeading').textContent = name + ': ' + labelOf(category) + ' (' + state.people.length + ')';
    $('people').hidden = false;
    drawPeople();
  }

  async function downloadCsv() {
    const response = await api('/api/it/people.csv?' + peopleQuery());
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = 'registration-progress.csv';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function start() {
    try {
      await inTeams();
    } catch {
      show('outside');
      return;
    }
    try {
      await token();
    } catch {
      // In Teams, but no token: the app's single sign-on is not set up (consent, webApplicationInfo).
      show('signInFailed');
      return;
    }
    try {
      state.data = await (await api('/api/it/progress')).json();
    } catch (error) {
      if (error.message === 'refused') showRefused(error.status);
      else show('failed');
      return;
    }
    show('content');
    drawSummary(state.data);
    drawGroupsTable(state.data);
    drawGroupsChart(state.data);
    drawTrend(state.data);
    $('filter').addEventListener('input', drawPeople);
    $('csv').addEventListener('click', () => downloadCsv().catch(failedClick));
    document.body.dataset.ready = 'true';
  }

  void start();
})();
