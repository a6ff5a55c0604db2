/**
 * The platform's broker: its TLS files readable, the certificates valid now and for the next
 * 30 days, then one real MQTT connection with the daemon's credentials (a client id of its own,
 * so the running daemon's session is not taken over). The embedded broker needs nothing.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { resolveConfigPath, type LoadedConfig } from '../../config/load.js';
import { brokerOptions } from '../../../cloud-bridge/mqtt/connect-options.js';
import { MqttConnection } from '../../../cloud-bridge/mqtt/mqtt-client.js';
import { ok, problem, type Finding } from '../finding.js';
import { errMessage } from '../../core/errors.js';

const DAY_MS = 86_400_000;
const SOON_DAYS = 30;

function checkCertificate(loaded: LoadedConfig, setting: 'caFile' | 'certFile', p: string, now: Date): Finding {
  const path = resolveConfigPath(loaded, p);
  const fixFile = {
    zh: `检查 cloud.tls.${setting}：文件应为 PEM 证书，且运行网关的用户可读`,
    en: `check cloud.tls.${setting}: a PEM certificate readable by the gateway's user`,
  };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(path));
  } catch (err) {
    return problem(
      'broker',
      'fail',
      {
        zh: `证书 ${path}（cloud.tls.${setting}）无法读取：${errMessage(err)}`,
        en: `certificate ${path} (cloud.tls.${setting}) cannot be read: ${errMessage(err)}`,
      },
      fixFile,
    );
  }
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  const renew = { zh: '向平台申请新证书并替换该文件', en: 'ask the platform for a new certificate and replace the file' };
  if (now < from)
    return problem(
      'broker',
      'fail',
      {
        zh: `证书 ${path} 尚未生效（${from.toISOString()} 起）：时钟是否正确？`,
        en: `certificate ${path} is not valid before ${from.toISOString()}: is the clock right?`,
      },
      { zh: '先校准时钟（见下文 clock），否则更换证书', en: 'set the clock right first (see clock), else replace the certificate' },
    );
  if (now > to)
    return problem(
      'broker',
      'fail',
      { zh: `证书 ${path} 已于 ${to.toISOString()} 过期`, en: `certificate ${path} expired on ${to.toISOString()}` },
      renew,
    );
  const days = Math.floor((to.getTime() - now.getTime()) / DAY_MS);
  if (days < SOON_DAYS)
    return problem(
      'broker',
      'warn',
      { zh: `证书 ${path} 将在 ${days} 天后过期`, en: `certificate ${path} expires in ${days} days` },
      renew,
    );
  return ok(
    'broker',
    `证书 ${path} 有效至 ${to.toISOString().slice(0, 10)}`,
    `certificate ${path} valid until ${to.toISOString().slice(0, 10)}`,
  );
}

export async function checkBroker(loaded: LoadedConfig, now = new Date()): Promise<Finding[]> {
  const cloud = loaded.config.cloud;
  if (!cloud.url) return [ok('broker', '使用内置 MQTT 代理（未配置 cloud.url）', 'embedded MQTT broker (no cloud.url configured)')];
  const out: Finding[] = [];
  if (cloud.tls.caFile) out.push(checkCertificate(loaded, 'caFile', cloud.tls.caFile, now));
  if (cloud.tls.certFile) out.push(checkCertificate(loaded, 'certFile', cloud.tls.certFile, now));
  if (out.some((f) => f.status === 'fail')) return out;
  let conn: MqttConnection | undefined;
  try {
    conn = await MqttConnection.open({
      ...brokerOptions(loaded, { clientId: `sharpeyes-doctor-${randomUUID().slice(0, 8)}` }),
      connectTimeoutMs: 8000,
    });
    out.push(ok('broker', `已连接 ${cloud.url}`, `connected to ${cloud.url}`));
  } catch (err) {
    out.push(
      problem(
        'broker',
        'fail',
        { zh: `无法连接 ${cloud.url}：${errMessage(err)}`, en: `cannot connect to ${cloud.url}: ${errMessage(err)}` },
        {
          zh: '检查网络、cloud.url、cloud.username/passwordFile 与 cloud.tls 设置；平台侧确认本网关的账号与 ACL',
          en: "check the network, cloud.url, cloud.username/passwordFile and cloud.tls; ask the platform to confirm this box's account and ACL",
        },
      ),
    );
  } finally {
    await conn?.close();
  }
  return out;
}
