package org.quasivm.vmm.devices.ide;

/** ATA register offsets, status and error bits, and command codes, with the names the ATA/ATAPI-6 standard uses. */
public final class Ata {

    private Ata() {
    }

    // command block register offsets (from 1F0h / 170h)
    public static final int DATA = 0;
    public static final int ERROR_FEATURE = 1;
    public static final int SECTOR_COUNT = 2;
    public static final int LBA_LOW = 3;
    public static final int LBA_MID = 4;
    public static final int LBA_HIGH = 5;
    public static final int DEVICE = 6;
    public static final int STATUS_COMMAND = 7;
    public static final int COMMAND_BLOCK_PORTS = 8;

    // status register
    public static final int BSY = 0x80;
    public static final int DRDY = 0x40;
    public static final int DF = 0x20;
    public static final int DSC = 0x10;
    public static final int DRQ = 0x08;
    public static final int ERR = 0x01;

    // error register
    public static final int ERROR_UNC = 0x40;
    public static final int ERROR_IDNF = 0x10;
    public static final int ERROR_ABRT = 0x04;
    /** The diagnostic code "device 0 passed, device 1 passed or absent" left in the error register by a reset. */
    public static final int DIAGNOSTIC_PASSED = 0x01;

    // device register
    public static final int DEVICE_LBA = 0x40;
    public static final int DEVICE_DEV = 0x10;

    // device control register (3F6h / 376h)
    public static final int CONTROL_NIEN = 0x02;
    public static final int CONTROL_SRST = 0x04;
    public static final int CONTROL_HOB = 0x80;

    // interrupt reason (the sector count register of a packet device)
    public static final int REASON_COD = 0x01;
    public static final int REASON_IO = 0x02;

    // commands
    public static final int NOP = 0x00;
    public static final int DEVICE_RESET = 0x08;
    public static final int RECALIBRATE = 0x10;
    public static final int READ_SECTORS = 0x20;
    public static final int READ_SECTORS_NO_RETRY = 0x21;
    public static final int READ_SECTORS_EXT = 0x24;
    public static final int READ_DMA_EXT = 0x25;
    public static final int READ_MULTIPLE_EXT = 0x29;
    public static final int WRITE_SECTORS = 0x30;
    public static final int WRITE_SECTORS_NO_RETRY = 0x31;
    public static final int WRITE_SECTORS_EXT = 0x34;
    public static final int WRITE_DMA_EXT = 0x35;
    public static final int WRITE_MULTIPLE_EXT = 0x39;
    public static final int READ_VERIFY = 0x40;
    public static final int READ_VERIFY_NO_RETRY = 0x41;
    public static final int READ_VERIFY_EXT = 0x42;
    public static final int EXECUTE_DEVICE_DIAGNOSTIC = 0x90;
    public static final int INITIALIZE_DEVICE_PARAMETERS = 0x91;
    public static final int PACKET = 0xA0;
    public static final int IDENTIFY_PACKET_DEVICE = 0xA1;
    public static final int READ_MULTIPLE = 0xC4;
    public static final int WRITE_MULTIPLE = 0xC5;
    public static final int SET_MULTIPLE_MODE = 0xC6;
    public static final int READ_DMA = 0xC8;
    public static final int READ_DMA_NO_RETRY = 0xC9;
    public static final int WRITE_DMA = 0xCA;
    public static final int WRITE_DMA_NO_RETRY = 0xCB;
    public static final int STANDBY_IMMEDIATE = 0xE0;
    public static final int IDLE_IMMEDIATE = 0xE1;
    public static final int STANDBY = 0xE2;
    public static final int IDLE = 0xE3;
    public static final int CHECK_POWER_MODE = 0xE5;
    public static final int FLUSH_CACHE = 0xE7;
    public static final int FLUSH_CACHE_EXT = 0xEA;
    public static final int IDENTIFY_DEVICE = 0xEC;
    public static final int SET_FEATURES = 0xEF;

    // SET FEATURES subcommands (features register)
    public static final int FEATURE_ENABLE_WRITE_CACHE = 0x02;
    public static final int FEATURE_SET_TRANSFER_MODE = 0x03;
    public static final int FEATURE_DISABLE_READ_LOOK_AHEAD = 0x55;
    public static final int FEATURE_DISABLE_REVERTING = 0x66;
    public static final int FEATURE_DISABLE_WRITE_CACHE = 0x82;
    public static final int FEATURE_ENABLE_READ_LOOK_AHEAD = 0xAA;
    public static final int FEATURE_ENABLE_REVERTING = 0xCC;

    public static final int SECTOR_SIZE = 512;
}
