"""A Modbus controller we did not write, for the tests: Debian's pymodbus 3.0 (run with /usr/bin/python3).

  pymodbus_server.py tcp PORT '{"hr": {"0": [40]}, ...}'
  pymodbus_server.py rtu /dev/pts/N BAUD PARITY '{"hr": ...}'

Tables: co (coils), di (discrete inputs), hr (holding registers), ir (input registers), 100 of each from
address 0 (zero_mode, so the wire address is the table index). Unit id 1 (and 0 for an RTU broadcast).
Every write a master makes is printed as `WRITE <table> <address> <values as JSON>`.
"""
import json
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.framer.socket_framer import ModbusSocketFramer


class LoggedBlock(ModbusSequentialDataBlock):
    def __init__(self, name, values):
        super().__init__(0, values)
        self.name = name

    def setValues(self, address, values):
        if not isinstance(values, list):
            values = [values]
        print("WRITE %s %d %s" % (self.name, address, json.dumps([int(v) if not isinstance(v, bool) else v for v in values])), flush=True)
        super().setValues(address, values)


def block(name, initial):
    values = [0] * 100
    for start, vs in initial.get(name, {}).items():
        for i, v in enumerate(vs):
            values[int(start) + i] = v
    return LoggedBlock(name, values)


def main():
    logging.basicConfig(level=logging.DEBUG if "MODBUS_DEBUG" in __import__("os").environ else logging.WARNING)
    mode = sys.argv[1]
    initial = json.loads(sys.argv[-1])
    slave = ModbusSlaveContext(di=block("di", initial), co=block("co", initial), hr=block("hr", initial), ir=block("ir", initial), zero_mode=True)
    context = ModbusServerContext(slaves={1: slave}, single=False)
    print("STARTING", flush=True)
    if mode == "tcp":
        # reuse: a restarted controller binds its port again while the old connections are in TIME_WAIT
        StartTcpServer(context=context, framer=ModbusSocketFramer, address=("127.0.0.1", int(sys.argv[2])), allow_reuse_address=True)
    else:
        StartSerialServer(context=context, framer=ModbusRtuFramer, port=sys.argv[2], baudrate=int(sys.argv[3]), parity=sys.argv[4], bytesize=8, stopbits=1, broadcast_enable=True)


main()
