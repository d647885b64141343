package org.quasivm.vmm.devices.rtc;

/**
 * Proleptic Gregorian calendar arithmetic on epoch days, without allocation (the RTC is read in device callbacks).
 * The era-based day-count method is the standard one (as in Hinnant's "chrono-compatible low-level date
 * algorithms"); written out here for primitives only.
 */
final class CivilTime {

    private CivilTime() {
    }

    /** Days since 1970-01-01 of the given date (month 1..12, day 1..31). */
    static long daysFromCivil(long year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        int shiftedMonth = month > 2 ? month - 3 : month + 9;
        long dayOfYear = (153L * shiftedMonth + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra - 719468;
    }

    /** The date of an epoch day, packed as {@code year << 9 | month << 5 | day}. */
    static long civilFromDays(long days) {
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long dayOfEra = z - era * 146097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return year << 9 | (long) month << 5 | day;
    }

    static int daysInMonth(long year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** 1 = Sunday .. 7 = Saturday, as the MC146818 counts. */
    static int dayOfWeek(long days) {
        return (int) Math.floorMod(days + 4, 7L) + 1; // 1970-01-01 was a Thursday
    }
}
