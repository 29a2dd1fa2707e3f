import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { IDS } from '../scripts/seed/brief-facts.js';
import { runSeed } from '../scripts/seed/run-seed.js';
import { BETTER_SOURCE, EDITOR } from './support/admin-api.js';
import { describeWithTool } from './support/external-tool.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

/** The project page in a real headless browser (Debian's chromium) against the whole running pipeline. */
describeWithTool('chromium', 'apt-get install -y chromium', 'the project timeline page', () => {
  let pipeline: TestPipeline;
  let browser: Browser;
  beforeAll(async () => {
    pipeline = await startTestPipeline();
    await runSeed({ baseUrl: pipeline.baseUrl, apiKey: 'dev-editor-key' });
    // A correction, so the chart has something to mark: the 2025 milestone was first dated 2024.
    const remake = (await pipeline.api.http().get(`/works/${IDS.work.saveTheGreenPlanetRemake}`).set('Authorization', EDITOR)).body.state;
    const milestone = remake.milestones.find((m: { kind: string }) => m.kind === 'other');
    await pipeline.api
      .http()
      .post(`/works/${IDS.work.saveTheGreenPlanetRemake}/corrections`)
      .set('Authorization', EDITOR)
      .send({ fact: { type: 'milestone', id: milestone.milestoneId }, changes: { label: 'Development reported still under way' }, note: 'Label restated from a second report', source: BETTER_SOURCE })
      .expect(200);
    await pipeline.caughtUp();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
  });

  it("shows the remake's status card, its timeline drawn on a time axis with the development span and the correction marked, and its history", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${pipeline.baseUrl}/timeline?work=${IDS.work.saveTheGreenPlanetRemake}`);
    await page.getByTestId('timeline-chart').waitFor();

    await expect(page.getByTestId('status').textContent()).resolves.toBe('in-development');
    await expect(page.getByTestId('development').textContent()).resolves.toContain('since 2018 (year)');
    expect(await page.getByTestId('development-span').count()).toBe(1);
    const entries = page.getByTestId('entry');
    expect(await entries.count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('[data-testid="entry"][data-fixed="true"]').count()).toBe(1);
    expect(await page.locator('[data-testid="entry"][data-precision="year"]').count()).toBeGreaterThan(0);
    const ticks = await page.locator('svg .tick').allTextContents();
    expect(ticks).toEqual(expect.arrayContaining(['2018', '2025']));
    expect(await page.getByTestId('history-row').count()).toBeGreaterThanOrEqual(6);
    await expect(page.locator('#history').textContent()).resolves.toContain('Label restated from a second report');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/timeline-page.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  it('works for any project: picking another one from the list redraws the card and the chart', async () => {
    const page = await browser.newPage();
    await page.goto(`${pipeline.baseUrl}/timeline`);
    await page.getByTestId('timeline-chart').waitFor();
    await page.locator('#project').selectOption(IDS.work.goingToAbandonMyMother);
    await page.locator('#card h2', { hasText: 'Going to Abandon My Mother' }).waitFor();
    await expect(page.locator('#card').textContent()).resolves.toContain('Mo Hong-jin');
  });
});
