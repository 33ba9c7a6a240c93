// The real Wechaty puppet-service server (npm `wechaty-puppet-service`) serving the real
// mock puppet (npm `wechaty-puppet-mock`), driven by tests/test_interop_puppet_service.py.
//
//   node puppet_server.mjs <port> <token>     (TLS unless WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER=true)
//
// One WeChat world: the bot's account, residents, a worker and a group. Reads commands
// as JSON lines on stdin, writes what happens as JSON lines on stdout:
//   in:  {"say": text, "from": contactId, "room": roomId | null, "mention": bool}
//        {"restart": true}      stop the gRPC server and start a new one (same puppet)
//        {"mute_dong": true}    the puppet stops answering Ding (a silent link)
//   out: {"ready": port}  {"grpc": method}  {"sent": {"to": id, "text": text}}
//        {"login": id}  {"logout": id}  {"restarted": port}  {"error": text}
import readline from 'node:readline'
import { PuppetServer } from 'wechaty-puppet-service'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { grpc } from 'wechaty-grpc'

const [port, token] = process.argv.slice(2)
const endpoint = `127.0.0.1:${port}`
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

// Every gRPC call the server receives, by method name, before authorization.
const addService = grpc.Server.prototype.addService
grpc.Server.prototype.addService = function (service, impl) {
  const logged = {}
  for (const [name, handler] of Object.entries(impl)) {
    logged[name] = function (...args) {
      out({ grpc: name })
      return handler.apply(this, args)
    }
  }
  return addService.call(this, service, logged)
}

const mocker = new mock.Mocker()
const puppet = new PuppetMock({ mocker })
const bot = mocker.createContact({ id: 'wxid_bot', name: '供电小助手' })
const people = {
  r1: mocker.createContact({ id: 'r1', name: '张阿姨' }),
  r2: mocker.createContact({ id: 'r2', name: '李叔' }),
  wxid_li: mocker.createContact({ id: 'wxid_li', name: '李明' }),
  wxid_wang: mocker.createContact({ id: 'wxid_wang', name: '王强' }),
  wxid_admin: mocker.createContact({ id: 'wxid_admin', name: '张所长' }),
}
const room = mocker.createRoom({
  id: 'room1@chatroom',
  topic: '幸福花园业主用电群',
  memberIdList: ['wxid_bot', 'r1', 'r2', 'wxid_li'],
})
// The mock logs the account in whenever the puppet starts (a gateway's Start).
mocker.use(() => { mocker.login(bot) })

const sendText = puppet.messageSendText.bind(puppet)
puppet.messageSendText = async (conversationId, text, mentionIdList) => {
  out({ sent: { to: conversationId, text, mentions: mentionIdList || [] } })
  return sendText(conversationId, text, mentionIdList)
}
let muted = false
const ding = puppet.ding.bind(puppet)
puppet.ding = (data) => (muted ? undefined : ding(data))
puppet.on('login', ({ contactId }) => out({ login: contactId }))
puppet.on('logout', ({ contactId }) => out({ logout: contactId }))

let server = new PuppetServer({ endpoint, puppet, token })
await server.start()
out({ ready: Number(port) })

const lines = readline.createInterface({ input: process.stdin })
lines.on('line', async (line) => {
  try {
    const cmd = JSON.parse(line)
    if (cmd.say !== undefined) {
      const talker = people[cmd.from]
      if (cmd.room) {
        const text = cmd.mention ? `@供电小助手\u2005${cmd.say}` : cmd.say
        talker.say(text, cmd.mention ? [bot] : []).to(room)
      } else {
        talker.say(cmd.say).to(bot)
      }
    } else if (cmd.restart) {
      await server.stop()
      server = new PuppetServer({ endpoint, puppet, token })
      await server.start()
      out({ restarted: Number(port) })
    } else if (cmd.mute_dong !== undefined) {
      muted = Boolean(cmd.mute_dong)
    }
  } catch (e) {
    out({ error: String(e && e.stack || e) })
  }
})
lines.on('close', async () => {
  await server.stop()
  process.exit(0)
})
