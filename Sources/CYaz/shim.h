// Index Data's YAZ toolkit (Debian libyaz-dev): the ZOOM C API speaks Z39.50 and SRU, and YAZ's MARC
// functions decode the records (ISO 2709 or MARCXML, MARC-8 or UTF-8) into MARC-in-JSON for us.
#ifndef CYAZ_SHIM_H
#define CYAZ_SHIM_H

#ifndef YAZ_HAVE_XML2
#define YAZ_HAVE_XML2 1
#endif

#include <stdlib.h>
#include <string.h>
// Debian's libxml2 is built with ICU, and its encoding.h would then include the system's
// <unicode/ucnv.h>: a second, different `enum UErrorCode` beside Foundation's own ICU, which
// clang refuses in any Swift file that sees both. We use no ICU converter: leave ICU out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <yaz/marcdisp.h>
#include <yaz/wrbuf.h>
#include <yaz/zoom.h>

/// One MARCXML record (as an SRU server sends it, alone or in a <collection>) as MARC-in-JSON,
/// read and written by YAZ; NULL when it is no MARC record. The caller frees the result.
static inline char *cyaz_marcxml_to_json(const char *xml, int length) {
    xmlDocPtr doc = xmlReadMemory(xml, length, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!doc) return NULL;
    char *json = NULL;
    xmlNodePtr record = xmlDocGetRootElement(doc);
    if (record && strcmp((const char *)record->name, "collection") == 0) {
        xmlNodePtr child = record->children;
        while (child && child->type != XML_ELEMENT_NODE) child = child->next;
        record = child;
    }
    if (record) {
        // Servers add elements of their own (Zebra its <idzebra>), which YAZ's reader refuses.
        for (xmlNodePtr child = record->children, next; child; child = next) {
            next = child->next;
            const char *name = (const char *)child->name;
            if (child->type == XML_ELEMENT_NODE && strcmp(name, "leader") != 0 &&
                strcmp(name, "controlfield") != 0 && strcmp(name, "datafield") != 0) {
                xmlUnlinkNode(child);
                xmlFreeNode(child);
            }
        }
        yaz_marc_t marc = yaz_marc_create();
        WRBUF out = wrbuf_alloc();
        if (yaz_marc_read_xml(marc, record) == 0) {
            yaz_marc_xml(marc, YAZ_MARC_JSON);
            if (yaz_marc_write_mode(marc, out) == 0) json = strdup(wrbuf_cstr(out));
        }
        wrbuf_destroy(out);
        yaz_marc_destroy(marc);
    }
    xmlFreeDoc(doc);
    return json;
}

#endif
