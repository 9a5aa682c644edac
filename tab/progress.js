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
  /** Rows drawn at most: a trust's 50,000 people would freeze the page; the CSV has them all. */
  const PEOPLE_DRAWN = 500;
  /** The filter redraws once typing pauses, not on every key. */
  const FILTER_DEBOUNCE_MS = 150;
  const $ = (id) => document.getElementById(id);
  const state = { data: null, people: [], group: 'school', category: undefined, failed: 0 };

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

  async function api(path, method) {
    const response = await fetch(path, {
      method: method || 'GET',
      headers: { Authorization: 'Bearer ' + (await token()) },
    });
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

  /** "7 days before · blocked · 30 Nov 2026", or nothing when they were never nudged. */
  function lastNudgeText(lastNudge) {
    if (!lastNudge) return '';
    const on = new Date(lastNudge.on + 'T12:00:00Z').toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    return lastNudge.stageLabel + ' · ' + lastNudge.outcomeLabel + ' · ' + on;
  }

  function drawPeople() {
    const filter = $('filter').value.trim().toLowerCase();
    const body = $('peopleTable').tBodies[0];
    const rows = [];
    let matched = 0;
    for (const person of state.people) {
      const lastNudge = lastNudgeText(person.lastNudge);
      const escalations = person.openEscalations.join('; ');
      const text = [
        person.name,
        person.yearGroup,
        person.progress,
        person.missing.join('; '),
        lastNudge,
        escalations,
      ]
        .join(' ')
        .toLowerCase();
      if (filter && !text.includes(filter)) continue;
      matched += 1;
      if (rows.length >= PEOPLE_DRAWN) continue;
      const row = document.createElement('tr');
      cell(row, person.name);
      cell(row, person.yearGroup);
      cell(row, person.progress);
      cell(row, person.missing.join('; '));
      cell(row, lastNudge);
      cell(row, escalations);
      rows.push(row);
    }
    body.replaceChildren(...rows);
    $('peopleCapped').hidden = matched <= PEOPLE_DRAWN;
    $('peopleCapped').textContent =
      'Showing ' + count(PEOPLE_DRAWN) + ' of ' + count(matched) + ' — export the CSV for all';
    // What the table now shows (for whoever waits on the redraw).
    $('peopleTable').dataset.filter = filter;
  }

  function count(n) {
    return n.toLocaleString('en-GB');
  }

  let filterTimer;
  function filterSoon() {
    window.clearTimeout(filterTimer);
    filterTimer = window.setTimeout(drawPeople, FILTER_DEBOUNCE_MS);
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
    const answer = await response.json();
    state.people = answer.people;
    // Empty columns must not read as "never nudged" when the campaign's records could not be read.
    $('peopleFollowUpsMissing').hidden = !answer.followUpsUnavailable;
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

  function when(iso) {
    return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  }

  /** A school date ("2027-01-08") in full: "Friday 8 January 2027" (the date is the school's, not the browser's). */
  function longDate(date) {
    const day = new Date(date + 'T12:00:00Z');
    const part = (options) => day.toLocaleDateString('en-GB', { ...options, timeZone: 'UTC' });
    // No comma after the weekday, as the bot writes dates.
    return part({ weekday: 'long' }) + ' ' + part({ day: 'numeric', month: 'long', year: 'numeric' });
  }

  function people(n) {
    return n === 1 ? '1 person' : n + ' people';
  }

  /** The next reminder: its stage and day, and per target group when it goes and whom it would reach. */
  function drawNext(next, unavailable) {
    $('nextTable').hidden = !next;
    $('nextNote').hidden = !next;
    if (!next) {
      $('nextStage').textContent = unavailable
        ? 'The next reminder could not be counted just now (Microsoft did not answer). Open the tab again in a few minutes.'
        : 'No more reminders are planned.';
      return;
    }
    const notes = [];
    if (next.moved) notes.push(next.moved);
    if (next.mergedWith.length > 0) notes.push('sent as one with ' + next.mergedWith.join(', '));
    $('nextStage').textContent =
      next.label +
      ', on ' +
      longDate(next.sendOn) +
      (notes.length > 0 ? ' (' + notes.join('; ') + ')' : '') +
      ': it would reach ' +
      people(next.owed) +
      ' now.';
    const body = $('nextTable').tBodies[0];
    body.replaceChildren();
    for (const g of next.groups) {
      const row = document.createElement('tr');
      row.dataset.group = g.id;
      cell(row, g.name);
      cell(
        row,
        g.opensOn
          ? longDate(g.opensOn) + ', from ' + g.opensTime
          : 'Not this reminder: no window of theirs opens for it',
      );
      cell(row, g.windows.join('; '));
      cell(
        row,
        g.schoolEmail > 0 ? g.owed + ' (' + g.schoolEmail + ' on their school email)' : String(g.owed),
        'number',
      );
      cell(row, String(g.toCheck), 'number');
      body.appendChild(row);
    }
  }

  function drawCampaign(campaign) {
    $('campaignNone').hidden = campaign.configured;
    $('campaignFigures').hidden = !campaign.configured;
    if (!campaign.configured) return;
    drawNext(campaign.next, campaign.nextUnavailable);
    // One line per set of groups planned together (staff in the day, pupils after school), newest first.
    const lines = campaign.lastPasses.map((last) => {
      const line = document.createElement('p');
      line.dataset.groups = last.groups.map((g) => g.id).join(',');
      line.textContent =
        'Last pass' +
        (last.groups.length > 0 ? ' for ' + last.groups.map((g) => g.name).join(', ') : '') +
        ' ' +
        when(last.at) +
        (last.stageLabel ? ' (' + last.stageLabel + ')' : '') +
        ': ' +
        last.queued +
        ' queued' +
        (last.cardsToUpdate > 0
          ? ', ' +
            last.cardsToUpdate +
            (last.cardsToUpdate === 1 ? ' earlier reminder' : ' earlier reminders') +
            ' to show "You\'re all set"'
          : '') +
        '.';
      return line;
    });
    if (lines.length === 0)
      lines.push(Object.assign(document.createElement('p'), { textContent: 'No pass yet.' }));
    const queue = document.createElement('p');
    queue.textContent = 'Waiting in the queue: ' + campaign.queueLength + '.';
    $('lastPass').replaceChildren(...lines, queue);
    const body = $('stagesTable').tBodies[0];
    body.replaceChildren();
    const rows = campaign.stages.map((s) => [
      s.label + (s.sendOn ? ' (' + s.sendOn + ')' : ''),
      s.counts,
      s.key,
    ]);
    rows.push(['All stages', campaign.totals, 'all']);
    for (const [label, counts, key] of rows) {
      const row = document.createElement('tr');
      row.dataset.stage = key;
      if (key === 'all') row.className = 'school';
      cell(row, label);
      for (const outcome of campaign.outcomes) cell(row, String(counts[outcome.key]), 'number');
      body.appendChild(row);
    }
    state.failed = campaign.totals.failed;
    $('resend').disabled = state.failed === 0;
  }

  async function loadCampaign() {
    try {
      drawCampaign(await (await api('/api/it/campaign')).json());
    } catch {
      $('campaignFailed').hidden = false;
    }
  }

  /** Asks in the page first (Teams blocks window.confirm in tabs): only Confirm sends. */
  function askResend() {
    $('resendQuestion').textContent = 'Send again to ' + people(state.failed) + '?';
    $('resendResult').textContent = '';
    $('resend').disabled = true;
    $('resendConfirm').hidden = false;
    $('resendYes').focus();
  }

  function cancelResend() {
    $('resendConfirm').hidden = true;
    $('resend').disabled = state.failed === 0;
    $('resend').focus();
  }

  async function resend() {
    $('resendConfirm').hidden = true;
    const button = $('resend');
    button.disabled = true;
    $('resendResult').textContent = 'Queuing…';
    try {
      const { queued } = await (await api('/api/it/campaign/resend', 'POST')).json();
      $('resendResult').textContent =
        queued === 1 ? '1 nudge queued again.' : queued + ' nudges queued again.';
      await loadCampaign();
    } catch (error) {
      $('resendResult').textContent =
        error.message === 'refused'
          ? 'Your sign-in has ended: close the tab and open it again.'
          : 'That did not work. Try again in a minute.';
      button.disabled = false;
    }
  }

  async function loadEscalations() {
    const note = $('escalationsNote');
    let open;
    try {
      open = await (await api('/api/it/escalations')).json();
    } catch {
      note.textContent = 'The escalations could not be loaded.';
      return;
    }
    const body = $('escalationsTable').tBodies[0];
    body.replaceChildren();
    for (const e of open.escalations) {
      const row = document.createElement('tr');
      if (e.givenUp) row.className = 'given-up';
      cell(row, e.reference);
      cell(row, e.category);
      cell(row, e.state);
      cell(row, when(e.createdAt));
      body.appendChild(row);
    }
    $('escalationsTable').hidden = open.escalations.length === 0;
    const givenUp = open.escalations.filter((e) => e.givenUp).length;
    note.textContent =
      open.escalations.length === 0
        ? 'None: every help request has reached the service desk mailbox.'
        : (givenUp > 0
            ? (givenUp === 1 ? '1 help request' : givenUp + ' help requests') +
              ' never reached the service desk mailbox: follow up by hand. '
            : '') +
          (open.more
            ? 'The newest ' + open.shown + ' are shown; there are more.'
            : 'Help requests not yet in the service desk mailbox.');
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
    $('filter').addEventListener('input', filterSoon);
    $('csv').addEventListener('click', () => downloadCsv().catch(failedClick));
    $('resend').addEventListener('click', askResend);
    $('resendNo').addEventListener('click', cancelResend);
    $('resendYes').addEventListener('click', () => void resend());
    document.body.dataset.ready = 'true';
    // The campaign and the escalations come after the figures: neither failing costs the figures.
    await Promise.all([loadCampaign(), loadEscalations()]);
    document.body.dataset.campaignReady = 'true';
  }

  void start();
})();
