/** SOAP replies of the simulated camera: plain templates, filled from its settings. */
export interface SimProfile {
  token: string;
  name: string;
  width: number;
  height: number;
  encoding: 'H264' | 'H265' | 'JPEG';
  fps: number;
  streamUri: string;
}

export interface SimDevice {
  manufacturer: string;
  model: string;
  serial: string;
  firmware: string;
  hardwareId: string;
  base: string; // http://host:port
  profiles: SimProfile[];
  /** Camera clock offset from real time, seconds (to test skew warnings). */
  clockOffsetS: number;
}

const NS =
  'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" ' +
  'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" ' +
  'xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:tns1="http://www.onvif.org/ver10/topics"';

export function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope ${NS}><s:Body>${body}</s:Body></s:Envelope>`;
}

export function fault(code: string, subcode: string, reason: string): string {
  return envelope(
    `<s:Fault><s:Code><s:Value>${code}</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`,
  );
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function systemDateAndTime(d: SimDevice, now = Date.now()): string {
  const t = new Date(now + d.clockOffsetS * 1000);
  return envelope(
    `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
      `<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>${t.getUTCHours()}</tt:Hour><tt:Minute>${t.getUTCMinutes()}</tt:Minute><tt:Second>${t.getUTCSeconds()}</tt:Second></tt:Time>` +
      `<tt:Date><tt:Year>${t.getUTCFullYear()}</tt:Year><tt:Month>${t.getUTCMonth() + 1}</tt:Month><tt:Day>${t.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
  );
}

export function capabilities(d: SimDevice): string {
  return envelope(
    `<tds:GetCapabilitiesResponse><tds:Capabilities>` +
      `<tt:Device><tt:XAddr>${d.base}/onvif/device_service</tt:XAddr></tt:Device>` +
      `<tt:Events><tt:XAddr>${d.base}/onvif/events_service</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>` +
      `<tt:Media><tt:XAddr>${d.base}/onvif/media_service</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>` +
      `</tds:Capabilities></tds:GetCapabilitiesResponse>`,
  );
}

export function services(d: SimDevice): string {
  const svc = (ns: string, path: string) =>
    `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${d.base}${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
  return envelope(
    `<tds:GetServicesResponse>${svc('http://www.onvif.org/ver10/device/wsdl', '/onvif/device_service')}${svc('http://www.onvif.org/ver10/media/wsdl', '/onvif/media_service')}${svc('http://www.onvif.org/ver10/events/wsdl', '/onvif/events_service')}</tds:GetServicesResponse>`,
  );
}

export function deviceInformation(d: SimDevice): string {
  return envelope(
    `<tds:GetDeviceInformationResponse><tds:Manufacturer>${esc(d.manufacturer)}</tds:Manufacturer><tds:Model>${esc(d.model)}</tds:Model>` +
      `<tds:FirmwareVersion>${esc(d.firmware)}</tds:FirmwareVersion><tds:SerialNumber>${esc(d.serial)}</tds:SerialNumber><tds:HardwareId>${esc(d.hardwareId)}</tds:HardwareId></tds:GetDeviceInformationResponse>`,
  );
}

function profileXml(p: SimProfile): string {
  return (
    `<trt:Profiles token="${p.token}" fixed="true"><tt:Name>${esc(p.name)}</tt:Name>` +
    `<tt:VideoSourceConfiguration token="vsc0"><tt:Name>vsc0</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>vs0</tt:SourceToken><tt:Bounds x="0" y="0" width="1920" height="1080"/></tt:VideoSourceConfiguration>` +
    `<tt:VideoEncoderConfiguration token="vec_${p.token}"><tt:Name>vec_${p.token}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>${p.encoding}</tt:Encoding>` +
    `<tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality>` +
    `<tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${p.fps * 2}</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>` +
    `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port><tt:TTL>1</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>` +
    `<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration></trt:Profiles>`
  );
}

export function profiles(d: SimDevice): string {
  return envelope(`<trt:GetProfilesResponse>${d.profiles.map(profileXml).join('')}</trt:GetProfilesResponse>`);
}

export function profile(p: SimProfile): string {
  return envelope(`<trt:GetProfileResponse>${profileXml(p).replace(/trt:Profiles/g, 'trt:Profile')}</trt:GetProfileResponse>`);
}

export function videoSources(): string {
  return envelope(
    `<trt:GetVideoSourcesResponse><trt:VideoSources token="vs0"><tt:Framerate>25</tt:Framerate><tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`,
  );
}

export function streamUri(uri: string): string {
  return envelope(
    `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${esc(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`,
  );
}

export function snapshotUri(uri: string): string {
  return envelope(
    `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${esc(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`,
  );
}

export function createPullPoint(address: string, now: number, ttlS: number): string {
  return envelope(
    `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${esc(address)}</wsa:Address></tev:SubscriptionReference>` +
      `<wsnt:CurrentTime>${new Date(now).toISOString()}</wsnt:CurrentTime><wsnt:TerminationTime>${new Date(now + ttlS * 1000).toISOString()}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`,
  );
}

export interface SimEvent {
  topic: string;
  name: string;
  value: boolean;
  ts: number;
}

export function pullMessages(events: SimEvent[], now: number, ttlS: number): string {
  const msgs = events
    .map(
      (e) =>
        `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${esc(e.topic)}</wsnt:Topic>` +
        `<wsnt:Message><tt:Message UtcTime="${new Date(e.ts).toISOString()}" PropertyOperation="Changed"><tt:Source><tt:SimpleItem Name="VideoSourceConfigurationToken" Value="vsc0"/></tt:Source>` +
        `<tt:Data><tt:SimpleItem Name="${e.name}" Value="${e.value}"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
    )
    .join('');
  return envelope(
    `<tev:PullMessagesResponse><tev:CurrentTime>${new Date(now).toISOString()}</tev:CurrentTime><tev:TerminationTime>${new Date(now + ttlS * 1000).toISOString()}</tev:TerminationTime>${msgs}</tev:PullMessagesResponse>`,
  );
}

export function renew(now: number, ttlS: number): string {
  return envelope(
    `<wsnt:RenewResponse><wsnt:TerminationTime>${new Date(now + ttlS * 1000).toISOString()}</wsnt:TerminationTime><wsnt:CurrentTime>${new Date(now).toISOString()}</wsnt:CurrentTime></wsnt:RenewResponse>`,
  );
}

export function empty(name: string, prefix = 'tds'): string {
  return envelope(`<${prefix}:${name}Response/>`);
}

/** WS-Discovery ProbeMatch for one device. */
export function probeMatch(opts: { relatesTo: string; messageId: string; endpoint: string; xaddr: string; scopes: string[] }): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
    `xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header>` +
    `<a:MessageID>${opts.messageId}</a:MessageID><a:RelatesTo>${esc(opts.relatesTo)}</a:RelatesTo><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>` +
    `<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch>` +
    `<a:EndpointReference><a:Address>${opts.endpoint}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>` +
    `<d:Scopes>${opts.scopes.map(esc).join(' ')}</d:Scopes><d:XAddrs>${esc(opts.xaddr)}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>`
  );
}
