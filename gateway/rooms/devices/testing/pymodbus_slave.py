"""An independent Modbus RTU slave for the tests: Debian's pymodbus on a pty.

usage: /usr/bin/python3 pymodbus_slave.py PORT UNIT
Coils 0-7 and discrete inputs 0-7 (zero-based PDU addresses); discrete input 0 starts at 1.
Reads a line "di ADDR VALUE" on stdin to change a discrete input; prints "ready" when serving.
"""
import asyncio
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncSerialServer
from pymodbus.transaction import ModbusRtuFramer

port, unit = sys.argv[1], int(sys.argv[2])
store = ModbusSlaveContext(
    di=ModbusSequentialDataBlock(0, [1, 0, 0, 0, 0, 0, 0, 0]),
    co=ModbusSequentialDataBlock(0, [0] * 8),
    hr=ModbusSequentialDataBlock(0, [0] * 8),
    ir=ModbusSequentialDataBlock(0, [0] * 8),
    zero_mode=True,
)
context = ModbusServerContext(slaves={unit: store}, single=False)


async def stdin_commands():
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        parts = line.split()
        if len(parts) == 3 and parts[0] == "di":
            store.setValues(2, int(parts[1]), [int(parts[2])])
            print("ok", flush=True)
        elif parts and parts[0] == "co":
            print(" ".join(str(int(v)) for v in store.getValues(1, 0, 8)), flush=True)


async def main():
    asyncio.get_running_loop().create_task(stdin_commands())
    asyncio.get_running_loop().call_later(0.5, lambda: print("ready", flush=True))
    await StartAsyncSerialServer(context, framer=ModbusRtuFramer, port=port, baudrate=9600)


asyncio.run(main())
