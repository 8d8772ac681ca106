// Sign in the widget on a partner's page in Debian's Firefox ESR; print what it saw as JSON.
//
//   node tests/firefox_sign.mjs PARTNER_PAGE_URL EMAIL
//
// Driven over WebDriver BiDi by puppeteer-core, which downloads no browser. Third-party cookies
// are blocked, as in the browsers the widget must work in. tests/test_browser_firefox.py runs it.
import puppeteer from "puppeteer-core";

const [url, email] = process.argv.slice(2);
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
  headless: true,
  timeout: 60_000,
  protocolTimeout: 60_000,
  extraPrefsFirefox: {
    "network.cookie.cookieBehavior": 1, // block every third-party cookie
    // Stay off the network: this machine reaches only loopback.
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "app.update.auto": false,
  },
});

try {
  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url);
  await page.waitForSelector("a.petition-widget", { hidden: true }); // the widget is ready
  const iframe = await page.waitForSelector("iframe");
  const frame = await iframe.contentFrame();
  await frame.waitForSelector('input[name="first_name"]');
  const fits = async () => {
    await frame.waitForFunction(
      () => document.documentElement.scrollHeight <= window.innerHeight,
    );
    return iframe.evaluate((element) => element.offsetHeight);
  };
  const seen = {
    userAgent: await page.evaluate(() => navigator.userAgent),
    frameUrl: frame.url(),
    cookie: await frame.evaluate(() => {
      document.cookie = "probe=1";
      return document.cookie;
    }),
    wideHeight: await fits(),
  };
  await page.setViewport({ width: 360, height: 800 }); // a phone: the form wraps, taller
  await page.waitForFunction(
    (wide) => document.querySelector("iframe").offsetHeight > wide,
    {},
    seen.wideHeight,
  );
  seen.narrowHeight = await fits();
  seen.pageFitsWidth = await page.evaluate(
    () => document.documentElement.scrollWidth <= window.innerWidth,
  );
  await frame.type('input[name="first_name"]', "Ana");
  await frame.type('input[name="last_name"]', "García");
  await frame.type('input[name="email"]', email);
  await frame.type('input[name="postal_code"]', "60608");
  await frame.click('button[type="submit"]');
  await page.waitForFunction(() => window.signed.length === 1);
  const thanks = await frame.waitForSelector("::-p-text(Thank you for signing)");
  seen.thanks = await thanks.evaluate((element) => element.textContent.trim());
  seen.signed = await page.evaluate(() => window.signed);
  seen.thanksHeight = await fits();
  seen.errors = errors;
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
