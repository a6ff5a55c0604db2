import { describe, expect, it } from 'vitest';
import { parseUsernameToken, passwordDigest, soapAction, verifyUsernameToken } from './wsse.js';

describe('WS-UsernameToken', () => {
  // Vector from the ONVIF Application Programmer's Guide (PasswordDigest example).
  it('computes the PasswordDigest', () => {
    expect(passwordDigest('LKqI6G/AikKCQrN0zqZFlg==', '2010-09-16T07:50:45Z', 'userpassword')).toBe('tuOSpGlFlIXsozq4HFNeeGeFLEI=');
  });
  it('parses and verifies a token; wrong password, user or stale time fail', () => {
    const created = new Date().toISOString();
    const nonce = Buffer.from('0123456789abcdef').toString('base64');
    const xml = `<s:Envelope><s:Header><Security><UsernameToken><Username>admin</Username><Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${passwordDigest(nonce, created, 'secret')}</Password><Nonce>${nonce}</Nonce><Created xmlns="x">${created}</Created></UsernameToken></Security></s:Header><s:Body><GetProfiles xmlns="http://www.onvif.org/ver10/media/wsdl"/></s:Body></s:Envelope>`;
    const t = parseUsernameToken(xml);
    expect(t?.digest).toBe(true);
    expect(verifyUsernameToken(t, 'admin', 'secret')).toBe(true);
    expect(verifyUsernameToken(t, 'admin', 'wrong')).toBe(false);
    expect(verifyUsernameToken(t, 'root', 'secret')).toBe(false);
    expect(verifyUsernameToken(t, 'admin', 'secret', Date.now() + 3600_000)).toBe(false);
    expect(verifyUsernameToken(undefined, 'admin', 'secret')).toBe(false);
    expect(soapAction(xml)).toBe('GetProfiles');
  });
});
