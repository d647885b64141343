#!/bin/busybox sh
# QuasiVM's demo guest: PID 1 of a busybox initramfs. Mounts /proc, /sys and /dev, then keeps a shell on the console.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /tmp
mount -t devpts devpts /dev/pts 2>/dev/null
hostname quasivm
# the storage drivers (IDE, SCSI disk and CD-ROM, floppy, ISO 9660, FAT), dependencies first
if [ -f /etc/modules ]; then
    dir=/lib/modules/$(uname -r)
    while read -r module; do
        insmod "$dir/$module" 2>/dev/null || echo "QuasiVM guest: module $module not loaded"
    done < /etc/modules
fi
echo "QuasiVM guest: busybox initramfs up, kernel $(uname -r)"
while true; do
    setsid cttyhack sh -l
    echo "QuasiVM guest: shell exited, starting another"
done
