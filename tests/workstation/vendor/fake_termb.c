/* A stand-in for a vendor's termb library, compiled by the tests (gcc -fexec-charset=GBK,
 * so every narrow string below reaches the caller in GBK, as the vendors' getters give it).
 *
 * Cards (Fake_SetCard): 0 none, 1 resident (long-term validity), 2 J permit, 3 I card.
 * The photo from GetBMPData is a real 102x126 24-bit BMP (38,862 bytes). */
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

static int g_open = 0;
static int g_card = 1;
static int g_read = 0;

struct card {
    const char *name, *sex, *nation, *birthday, *address, *id, *department, *start, *end;
    const char *type, *pass, *issues, *chinese_name, *nation_code, *version;
};

static const struct card CARDS[] = {
    {0},
    {"李四", "女", "汉", "19600512", "北京市东城区东华门大街7号院3号楼", "110101196005124526",
     "北京市公安局东城分局", "20100601", "长期", "", "", "", "", "", ""},
    {"陈美玲", "女", "", "1992-07-04", "澳门特别行政区", "820000199207040047",
     "广东省珠海市公安局", "2021.03.15", "2026.03.15", "J", "M87654321", "01", "", "", ""},
    {"SMITH, JOHN", "男", "", "19850615", "", "USA110085061502",
     "1500", "20180301", "20280301", "I", "", "", "史密斯", "USA", "01"},
};

EXPORT void Fake_SetCard(int kind) { g_card = kind; g_read = 0; }
EXPORT int Fake_IsOpen(void) { return g_open; }

EXPORT int CVR_InitComm(int port) {
    if (port != 1001 && port != 1) return 2; /* no reader on that port */
    g_open = 1;
    return 1;
}

EXPORT int CVR_Authenticate(void) {
    if (!g_open) return 4;
    g_read = 0;
    return g_card ? 1 : 2;
}

EXPORT int CVR_Read_Content(int active) {
    (void)active;
    if (!g_open || !g_card) return 0;
    g_read = 1;
    return 1;
}

EXPORT int CVR_Read_FPContent(void) { return CVR_Read_Content(4); }

EXPORT int CVR_CloseComm(void) {
    g_open = 0;
    g_read = 0;
    return 1;
}

static int put(char *buffer, int *length, const char *value) {
    if (!g_read || !g_card) return 0;
    int n = (int)strlen(value);
    memcpy(buffer, value, (size_t)n);
    buffer[n] = 0;
    *length = n;
    return 1;
}

#define GETTER(fn, field) \
    EXPORT int fn(char *buffer, int *length) { return put(buffer, length, CARDS[g_card].field); }

GETTER(GetPeopleName, name)
GETTER(GetPeopleSex, sex)
GETTER(GetPeopleNation, nation)
GETTER(GetPeopleBirthday, birthday)
GETTER(GetPeopleAddress, address)
GETTER(GetPeopleIDCode, id)
GETTER(GetDepartment, department)
GETTER(GetStartDate, start)
GETTER(GetEndDate, end)
GETTER(GetCertType, type)
GETTER(GetPassCheckID, pass)
GETTER(GetIssuesNum, issues)
GETTER(GetPeopleChineseName, chinese_name)
GETTER(GetPeopleNationCode, nation_code)
GETTER(GetPeopleCertVersion, version)

#define WIDTH 102
#define HEIGHT 126
#define ROW ((WIDTH * 3 + 3) & ~3)
#define BMP_SIZE (54 + ROW * HEIGHT)

static void le32(unsigned char *at, unsigned int value) {
    at[0] = value & 0xFF; at[1] = (value >> 8) & 0xFF; at[2] = (value >> 16) & 0xFF; at[3] = value >> 24;
}

EXPORT int GetBMPData(unsigned char *buffer, int *length) {
    if (!g_read || !g_card || *length < BMP_SIZE) return 0;
    memset(buffer, 0, BMP_SIZE);
    buffer[0] = 'B'; buffer[1] = 'M';
    le32(buffer + 2, BMP_SIZE);
    le32(buffer + 10, 54);
    le32(buffer + 14, 40);
    le32(buffer + 18, WIDTH);
    le32(buffer + 22, HEIGHT);
    buffer[26] = 1;
    buffer[28] = 24;
    le32(buffer + 34, ROW * HEIGHT);
    for (int y = 0; y < HEIGHT; y++)
        for (int x = 0; x < WIDTH; x++) {
            unsigned char *pixel = buffer + 54 + y * ROW + x * 3;
            pixel[0] = (unsigned char)(x * 2);
            pixel[1] = (unsigned char)(y * 2);
            pixel[2] = (unsigned char)(g_card * 60);
        }
    *length = BMP_SIZE;
    return 1;
}
