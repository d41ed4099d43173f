/* A stand-in for a vendor's sdtapi library, compiled by the tests. SDT_ReadBaseMsg gives
 * the SAM's 256-byte UCS-2LE text block, built here from char16_t literals, and a
 * 1,024-byte "compressed photo".
 *
 * Cards (Fake_SetCard): 0 none, 1 resident, 2 J permit, 3 I card. */
#include <string.h>
#include <uchar.h>

#define EXPORT __attribute__((visibility("default")))

static int g_open = 0;
static int g_card = 1;
static int g_found = 0;
static int g_selected = 0;

EXPORT void Fake_SetCard(int kind) { g_card = kind; g_found = g_selected = 0; }
EXPORT int Fake_IsOpen(void) { return g_open; }

/* `text` as UCS-2LE into block[offset, offset + size), padded with spaces. */
static void put(unsigned char *block, int offset, int size, const char16_t *text) {
    for (int i = 0; i < size / 2; i++) {
        char16_t c = *text ? *text++ : u' ';
        block[offset + 2 * i] = (unsigned char)(c & 0xFF);
        block[offset + 2 * i + 1] = (unsigned char)(c >> 8);
    }
}

static void text_block(unsigned char *block) {
    put(block, 0, 256, u"");
    if (g_card == 1) {
        put(block, 0, 30, u"欧阳娜娜");
        put(block, 30, 2, u"2");
        put(block, 32, 4, u"03");
        put(block, 36, 16, u"19980215");
        put(block, 52, 70, u"上海市黄浦区人民大道200号");
        put(block, 122, 36, u"310101199802152424");
        put(block, 158, 30, u"上海市公安局黄浦分局");
        put(block, 188, 16, u"20160301");
        put(block, 204, 16, u"20360301");
    } else if (g_card == 2) {
        put(block, 0, 30, u"陈美玲");
        put(block, 30, 2, u"2");
        put(block, 36, 16, u"19920704");
        put(block, 52, 70, u"澳门特别行政区");
        put(block, 122, 36, u"820000199207040047");
        put(block, 158, 30, u"广东省珠海市公安局");
        put(block, 188, 16, u"20210315");
        put(block, 204, 16, u"20310315");
        put(block, 220, 18, u"M87654321");
        put(block, 238, 4, u"01");
        put(block, 248, 2, u"J");
    } else if (g_card == 3) {
        put(block, 0, 120, u"SMITH, JOHN");
        put(block, 120, 2, u"1");
        put(block, 122, 30, u"USA110085061502");
        put(block, 152, 6, u"USA");
        put(block, 158, 30, u"史密斯");
        put(block, 188, 16, u"20180301");
        put(block, 204, 16, u"20280301");
        put(block, 220, 16, u"19850615");
        put(block, 236, 4, u"01");
        put(block, 240, 8, u"1500");
        put(block, 248, 2, u"I");
    }
}

EXPORT int SDT_OpenPort(int port) {
    if (port != 1001 && port != 1) return 0x01;
    g_open = 1;
    return 0x90;
}

EXPORT int SDT_ClosePort(int port) {
    (void)port;
    g_open = 0;
    return 0x90;
}

EXPORT int SDT_GetSAMStatus(int port, int if_open) {
    (void)port; (void)if_open;
    return g_open ? 0x90 : 0x01;
}

EXPORT int SDT_StartFindIDCard(int port, unsigned char *manage, int if_open) {
    (void)port; (void)if_open;
    g_found = g_selected = 0;
    if (!g_open) return 0x01;
    if (!g_card) return 0x80;
    memset(manage, 0, 4);
    g_found = 1;
    return 0x9F;
}

EXPORT int SDT_SelectIDCard(int port, unsigned char *manage, int if_open) {
    (void)port; (void)if_open;
    if (!g_found) return 0x81;
    memset(manage, 0, 8);
    g_selected = 1;
    return 0x90;
}

EXPORT int SDT_ReadBaseMsg(int port, unsigned char *text, unsigned int *text_length,
                           unsigned char *photo, unsigned int *photo_length, int if_open) {
    (void)port; (void)if_open;
    if (!g_selected || !g_card) return 0x41;
    text_block(text);
    *text_length = 256;
    for (int i = 0; i < 1024; i++) photo[i] = (unsigned char)((i * 13 + 5) & 0xFF);
    *photo_length = 1024;
    g_selected = 0;
    return 0x90;
}
