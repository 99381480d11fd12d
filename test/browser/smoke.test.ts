import { expect } from '@open-wc/testing';
import { admin, serverInfo } from './helpers.ts';

describe('browser smoke: the real server from real Chromium', () => {
  it('answers health over HTTP with CORS', async () => {
    const { url } = await serverInfo();
    const response = await fetch(`${url}/api/v1/health`);
    expect(response.status).to.equal(200);
  });

  it('refuses a page without a token and serves the product to the backend', async () => {
    const { url } = await serverInfo();
    const anonymous = await fetch(`${url}/api/v1/products/acme-analytics`);
    expect(anonymous.status).to.equal(401);
    const product = await admin('GET', '/api/v1/products/acme-analytics');
    expect(product.status).to.equal(200);
    expect(product.body.slug).to.equal('acme-analytics');
  });
});
